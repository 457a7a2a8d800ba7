import { amiChannelHeaders, amiResponse, amiTimestamp } from './ami-frame.builder';
import type { AmiActionHandler } from './ami.server';
import type { SimContext } from './sim-context';

const hms = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
};

/** A list action: `Response: Success` + `EventList: start`, item events, then `<Name>Complete` (Asterisk manager list protocol). */
function listResponse(actionId: string | undefined, message: string, itemEvent: string, items: string[], completeEvent: string): string[] {
  const id = actionId !== undefined ? `ActionID: ${actionId}\r\n` : '';
  return [
    amiResponse('Success', actionId, { EventList: 'start', Message: message }),
    ...items.map((body) => `Event: ${itemEvent}\r\n${id}${body}\r\n`),
    `Event: ${completeEvent}\r\n${id}EventList: Complete\r\nListItems: ${items.length}\r\n\r\n`,
  ];
}

/** AMI actions beyond Login/Logoff (Asterisk manager.c, res_pjsip AMI; shapes as recorded in registrations.jsonl). */
export function amiActionHandlers(ctx: SimContext): Record<string, AmiActionHandler> {
  return {
    Ping: (_a, id) => [amiResponse('Success', id, { Ping: 'Pong', Timestamp: amiTimestamp() })],
    PJSIPShowContacts: (_a, id) => {
      const items = [...ctx.endpoints.values()]
        .filter((ep) => ep.state === 'online')
        .map((ep) => {
          const uri = ep.contactUri ?? `sip:${ep.resource}@127.0.0.1`;
          const expires = Math.floor((ep.expiresAt ?? Date.now() + 3_600_000) / 1000);
          return (
            `ObjectType: contact\r\nObjectName: ${ep.resource};@${ep.resource}\r\nViaAddr: 127.0.0.1\r\nQualifyTimeout: 3.000000\r\n` +
            `Qualify2xxOnly: false\r\nCallId: ${ep.resource}@127.0.0.1\r\nRegServer: \r\nPruneOnBoot: no\r\nPath: \r\nEndpoint: ${ep.resource}\r\n` +
            `ViaPort: ${uri.slice(uri.lastIndexOf(':') + 1)}\r\nAuthenticateQualify: no\r\nUri: ${uri}\r\nQualifyFrequency: 0\r\n` +
            `UserAgent: pbx-sim\r\nExpirationTime: ${expires}\r\nOutboundProxy: \r\nStatus: NonQualified\r\nRoundtripUsec: N/A\r\n`
          );
        });
      return listResponse(id, 'A listing of Contacts follows, presented as ContactList events', 'ContactList', items, 'ContactListComplete');
    },
    PJSIPShowEndpoints: (_a, id) => {
      const items = [...ctx.endpoints.values()].map((ep) => {
        const active = [...ctx.channels.values()].filter((c) => c.endpoint === ep.resource).length;
        const state = ep.state === 'offline' ? 'Unavailable' : active > 0 ? 'In use' : 'Not in use';
        return (
          `ObjectType: endpoint\r\nObjectName: ${ep.resource}\r\nTransport: transport-udp\r\nAor: ${ep.resource}\r\nAuths: ${ep.resource}\r\n` +
          `OutboundAuths: \r\nContacts: ${ep.state === 'online' ? `${ep.resource}/${ep.contactUri},` : ''}\r\nDeviceState: ${state}\r\nActiveChannels: ${active}\r\n`
        );
      });
      return listResponse(id, 'A listing of Endpoints follows, presented as EndpointList events', 'EndpointList', items, 'EndpointListComplete');
    },
    CoreShowChannels: (_a, id) => {
      const now = Date.now();
      const items = [...ctx.channels.values()].map(
        (ch) =>
          amiChannelHeaders(ch) +
          `BridgeId: ${ch.bridgeId ?? ''}\r\nApplication: ${ch.dialplan.app_name}\r\nApplicationData: ${ch.dialplan.app_data}\r\nDuration: ${hms(now - ch.createdAt)}\r\n`,
      );
      return listResponse(id, 'Channels will follow', 'CoreShowChannel', items, 'CoreShowChannelsComplete');
    },
    Status: (a, id) => {
      const wanted = a.Channel;
      const items = [...ctx.channels.values()]
        .filter((ch) => !wanted || ch.name === wanted)
        .map((ch) => amiChannelHeaders(ch) + `Type: PJSIP\r\nDNID: \r\nBridgeID: ${ch.bridgeId ?? ''}\r\nSeconds: ${Math.floor((Date.now() - ch.createdAt) / 1000)}\r\n`);
      return listResponse(id, 'Channel status will follow', 'Status', items, 'StatusComplete');
    },
  };
}
