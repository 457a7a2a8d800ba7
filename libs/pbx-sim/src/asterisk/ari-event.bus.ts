import type { WebSocket } from 'ws';
import type { SimApp, SimBridge, SimChannel } from './sim-model.types';

/** Delay of the endpoint-forwarded copy of a channel event, ms (~40 ms measured on Asterisk 22.10.1). */
export const ENDPOINT_FORWARD_LAG_MS = 40;

/** Events Asterisk sends to the app itself, not through the channel's topic (res_stasis stasis.c). */
const NOT_ON_CHANNEL_TOPIC = new Set(['StasisStart', 'StasisEnd']);

/** Which objects an event is about; decides which Stasis apps receive it (Asterisk `stasis_app` subscriptions). */
export interface AriEventScope {
  channels?: Array<SimChannel | undefined>;
  bridge?: SimBridge;
  /** Endpoint resource (technology PJSIP). */
  endpoint?: string;
}

/**
 * Delivers ARI events to the WebSockets of the apps subscribed to them, like Asterisk does:
 * an app gets a channel's events while it is subscribed to the channel (in Stasis for it, or
 * created with `app=`), a bridge's events for bridges it created, endpoint events for
 * `eventSource=endpoint:…` subscriptions; `subscribeAll` gets everything. Events are serialised
 * once; `asterisk_id` and `application` are appended last, as Asterisk orders them.
 *
 * Endpoint subscriptions also carry channel events: Asterisk forwards every channel's topic to its
 * endpoint's topic (and each endpoint's to its technology's, `endpoint:PJSIP`), so an app subscribed
 * to the endpoint of a channel gets that channel's events once more, {@link ENDPOINT_FORWARD_LAG_MS}
 * later, on top of the copy its own channel subscription delivers. Measured on Asterisk 22.10.1
 * (test/fixtures/asterisk/README.md, endpoint-subscription-duplicates): one RFC 4733 digit gave two
 * `ChannelDtmfReceived` ~40 ms apart. StasisStart/StasisEnd (sent to the app directly) and bridge
 * events (bridge topic) are not forwarded; `subscribeAll` apps get one copy (observed).
 */
export class AriEventBus {
  readonly apps = new Map<string, SimApp>();
  private readonly sockets = new Map<string, Set<WebSocket>>();

  constructor(private readonly asteriskId: string) {}

  app(name: string): SimApp {
    let app = this.apps.get(name);
    if (!app) {
      app = { name, endpointSubs: new Set(), subscribeAll: false, allowed: undefined, disallowed: undefined };
      this.apps.set(name, app);
    }
    return app;
  }

  /** True when at least one WebSocket is connected for `app` (Stasis() fails otherwise). */
  isRegistered(app: string): boolean {
    return (this.sockets.get(app)?.size ?? 0) > 0;
  }

  attach(appNames: string[], socket: WebSocket, subscribeAll: boolean): void {
    for (const name of appNames) {
      const app = this.app(name);
      if (subscribeAll) app.subscribeAll = true;
      let set = this.sockets.get(name);
      if (!set) this.sockets.set(name, (set = new Set()));
      set.add(socket);
    }
    socket.on('close', () => {
      for (const name of appNames) this.sockets.get(name)?.delete(socket);
    });
  }

  /** Every connected socket (raw injection, drops). */
  allSockets(): WebSocket[] {
    const out = new Set<WebSocket>();
    for (const set of this.sockets.values()) for (const s of set) out.add(s);
    return [...out];
  }

  publish(body: Record<string, unknown>, scope: AriEventScope): void {
    const targets = this.targets(scope);
    const forwardedTo = this.endpointForwardTargets(body.type as string, scope);
    if (targets.size === 0 && forwardedTo.length === 0) return;
    const type = body.type as string;
    const head = JSON.stringify(body).slice(0, -1) + `,"asterisk_id":"${this.asteriskId}","application":`;
    for (const name of targets) this.send(name, type, head);
    if (forwardedTo.length > 0) setTimeout(() => forwardedTo.forEach((name) => this.send(name, type, head)), ENDPOINT_FORWARD_LAG_MS).unref();
  }

  private send(name: string, type: string, head: string): void {
    const sockets = this.sockets.get(name);
    if (!sockets || sockets.size === 0) return;
    const app = this.apps.get(name);
    if (app && !this.allows(app, type)) return;
    const text = head + JSON.stringify(name) + '}';
    for (const socket of sockets) if (socket.readyState === 1) socket.send(text);
  }

  /** Apps subscribed to the PJSIP endpoint of a channel the event is about (see the class comment). */
  private endpointForwardTargets(type: string, scope: AriEventScope): string[] {
    if (scope.bridge || NOT_ON_CHANNEL_TOPIC.has(type)) return [];
    const resources = new Set<string>();
    for (const ch of scope.channels ?? []) if (ch?.name.startsWith('PJSIP/')) resources.add(ch.name.slice(6, ch.name.lastIndexOf('-')));
    if (resources.size === 0) return [];
    const out: string[] = [];
    for (const app of this.apps.values()) {
      if (app.subscribeAll || app.endpointSubs.size === 0) continue;
      if (app.endpointSubs.has('PJSIP') || [...resources].some((r) => app.endpointSubs.has(`PJSIP/${r}`))) out.push(app.name);
    }
    return out;
  }

  private targets(scope: AriEventScope): Set<string> {
    const out = new Set<string>();
    for (const ch of scope.channels ?? []) if (ch) for (const a of ch.apps) out.add(a);
    if (scope.bridge) for (const a of scope.bridge.apps) out.add(a);
    for (const app of this.apps.values()) {
      if (app.subscribeAll) out.add(app.name);
      else if (scope.endpoint !== undefined && (app.endpointSubs.has('PJSIP') || app.endpointSubs.has(`PJSIP/${scope.endpoint}`))) {
        out.add(app.name);
      }
    }
    return out;
  }

  private allows(app: SimApp, type: string): boolean {
    if (app.allowed && app.allowed.size > 0 && !app.allowed.has(type)) return false;
    if (app.disallowed && app.disallowed.has(type)) return false;
    return true;
  }
}
