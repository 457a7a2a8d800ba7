import type { SimEndpointBehaviour } from '../pbx-sim.types';
import { amiEvent } from './ami-frame.builder';
import { ariTimestamp, endpointJson } from './ari-json.builder';
import { AriError } from './ari-error';
import type { SimContext } from './sim-context';
import type { SimEndpoint } from './sim-model.types';

/**
 * PJSIP endpoints and their registrations (Asterisk ARI endpoints.json; AMI PeerStatus,
 * ContactStatus, DeviceStateChange). Events as recorded in registrations.jsonl: on register
 * EndpointStateChange `online` → PeerStatusChange `Reachable` → ContactStatusChange `NonQualified`;
 * on unregister or expiry the same with `offline` / `Unreachable` / `Removed`.
 */
export class EndpointsEngine {
  constructor(private readonly ctx: SimContext) {}

  /** Known (configured) endpoint, created offline if new. */
  ensure(resource: string): SimEndpoint {
    let ep = this.ctx.endpoints.get(resource);
    if (!ep) {
      ep = {
        resource,
        state: 'offline',
        behaviour: { ringAfterMs: 2, answerAfterMs: null, busy: false, unreachable: false },
        callerName: `Ext ${resource}`,
      };
      this.ctx.endpoints.set(resource, ep);
    }
    return ep;
  }

  /** @throws AriError 404 `Endpoint not found` */
  get(resource: string): SimEndpoint {
    const ep = this.ctx.endpoints.get(resource);
    if (!ep) throw AriError.notFound('Endpoint not found');
    return ep;
  }

  json(ep: SimEndpoint): Record<string, unknown> {
    const ids: string[] = [];
    for (const ch of this.ctx.channels.values()) if (ch.endpoint === ep.resource && !ch.gone) ids.push(ch.id);
    return endpointJson(ep, ids);
  }

  setBehaviour(resource: string, b: SimEndpointBehaviour): void {
    const ep = this.ensure(resource);
    ep.behaviour = {
      ringAfterMs: b.ringAfterMs ?? ep.behaviour.ringAfterMs,
      answerAfterMs: b.answerAfterMs !== undefined ? b.answerAfterMs : ep.behaviour.answerAfterMs,
      busy: b.busy ?? ep.behaviour.busy,
      unreachable: b.unreachable ?? ep.behaviour.unreachable,
    };
  }

  register(resource: string, behaviour?: SimEndpointBehaviour, expiresMs?: number): void {
    const ep = this.ensure(resource);
    if (behaviour) {
      ep.behaviour = { ringAfterMs: 2, answerAfterMs: null, busy: false, unreachable: false };
      this.setBehaviour(resource, behaviour);
    }
    clearTimeout(ep.expiryTimer);
    const expiry = expiresMs ?? this.ctx.options.registrationExpiryMs;
    if (expiry > 0) {
      ep.expiresAt = Date.now() + expiry;
      ep.expiryTimer = setTimeout(() => this.unregister(resource), expiry);
      ep.expiryTimer.unref();
    }
    if (ep.state === 'online') return;
    ep.state = 'online';
    // Phone ports as in the recordings: 1001 → :5071, 1002 → :5072; other names get :5100+.
    const port = /^\d+$/.test(resource) ? 5070 + (Number(resource) % 1000) : 5100 + (this.ctx.endpoints.size % 800);
    ep.contactUri = `sip:${resource}@127.0.0.1:${port}`;
    this.announce(ep, 'Reachable', 'NonQualified', 'NOT_INUSE');
  }

  unregister(resource: string): void {
    const ep = this.ctx.endpoints.get(resource);
    if (!ep || ep.state === 'offline') return;
    clearTimeout(ep.expiryTimer);
    ep.state = 'offline';
    ep.expiresAt = undefined;
    this.announce(ep, 'Unreachable', 'Removed', 'UNAVAILABLE');
  }

  close(): void {
    for (const ep of this.ctx.endpoints.values()) clearTimeout(ep.expiryTimer);
  }

  private announce(ep: SimEndpoint, peerStatus: string, contactStatus: string, device: string): void {
    const uri = ep.contactUri ?? `sip:${ep.resource}@127.0.0.1`;
    this.ctx.amiEvent(() => amiEvent('PeerStatus', 'system', `ChannelType: PJSIP\r\nPeer: PJSIP/${ep.resource}\r\nPeerStatus: ${peerStatus}\r\n`));
    this.ctx.amiEvent(() =>
      amiEvent('ContactStatus', 'system', `URI: ${uri}\r\nContactStatus: ${contactStatus}\r\nAOR: ${ep.resource}\r\nEndpointName: ${ep.resource}\r\nRoundtripUsec: 0\r\n`),
    );
    this.ctx.amiEvent(() => amiEvent('DeviceStateChange', 'call', `Device: PJSIP/${ep.resource}\r\nState: ${device}\r\n`));
    const scope = { endpoint: ep.resource };
    const endpoint = this.json(ep);
    this.ctx.ari.publish({ type: 'EndpointStateChange', timestamp: ariTimestamp(), endpoint }, scope);
    this.ctx.ari.publish({ type: 'PeerStatusChange', timestamp: ariTimestamp(), endpoint, peer: { peer_status: peerStatus } }, scope);
    this.ctx.ari.publish(
      {
        type: 'ContactStatusChange',
        timestamp: ariTimestamp(),
        endpoint,
        contact_info: { uri, contact_status: contactStatus, aor: ep.resource, roundtrip_usec: '0' },
      },
      scope,
    );
  }
}
