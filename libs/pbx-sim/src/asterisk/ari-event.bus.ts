import type { WebSocket } from 'ws';
import type { SimApp, SimBridge, SimChannel } from './sim-model.types';

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
    if (targets.size === 0) return;
    const type = body.type as string;
    const head = JSON.stringify(body).slice(0, -1) + `,"asterisk_id":"${this.asteriskId}","application":`;
    for (const name of targets) {
      const sockets = this.sockets.get(name);
      if (!sockets || sockets.size === 0) continue;
      const app = this.apps.get(name);
      if (app && !this.allows(app, type)) continue;
      const text = head + JSON.stringify(name) + '}';
      for (const socket of sockets) if (socket.readyState === 1) socket.send(text);
    }
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
