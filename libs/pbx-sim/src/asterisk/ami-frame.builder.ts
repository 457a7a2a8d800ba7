import { AMI_STATE_NUMBER, type SimBridge, type SimChannel } from './sim-model.types';

/**
 * AMI frame text as Asterisk 22 writes it (manager.conf `timestampevents=yes`): `Key: value\r\n`
 * lines, a blank line ends the frame. Header sets per the recorded traffic in test/fixtures/asterisk.
 */

/** AMI `Timestamp` header value: epoch seconds with µs (`1795288206.421128`). */
export function amiTimestamp(ms: number = Date.now()): string {
  return (ms / 1000).toFixed(6);
}

const orUnknown = (v: string): string => (v === '' ? '<unknown>' : v);

/** The standard channel snapshot headers (`Channel`, `ChannelState`, …, `Linkedid`), optionally prefixed (`Dest`, `Spyee`). */
export function amiChannelHeaders(ch: SimChannel, prefix = ''): string {
  const p = prefix;
  return (
    `${p}Channel: ${ch.name}\r\n` +
    `${p}ChannelState: ${AMI_STATE_NUMBER[ch.state]}\r\n` +
    `${p}ChannelStateDesc: ${ch.state}\r\n` +
    `${p}CallerIDNum: ${orUnknown(ch.caller.number)}\r\n` +
    `${p}CallerIDName: ${orUnknown(ch.caller.name)}\r\n` +
    `${p}ConnectedLineNum: ${orUnknown(ch.connected.number)}\r\n` +
    `${p}ConnectedLineName: ${orUnknown(ch.connected.name)}\r\n` +
    `${p}Language: ${ch.language}\r\n` +
    `${p}AccountCode: \r\n` +
    `${p}Context: ${ch.dialplan.context}\r\n` +
    `${p}Exten: ${ch.dialplan.exten}\r\n` +
    `${p}Priority: ${ch.dialplan.priority}\r\n` +
    `${p}Uniqueid: ${ch.id}\r\n` +
    `${p}Linkedid: ${ch.id}\r\n`
  );
}

/** Bridge snapshot headers (`BridgeUniqueid` … `BridgeVideoSourceMode`). */
export function amiBridgeHeaders(br: SimBridge): string {
  return (
    `BridgeUniqueid: ${br.id}\r\n` +
    `BridgeType: stasis\r\n` +
    `BridgeTechnology: ${br.technology}\r\n` +
    `BridgeCreator: Stasis\r\n` +
    `BridgeName: ${br.name === '' ? '<unknown>' : br.name}\r\n` +
    `BridgeNumChannels: ${br.channelIds.length}\r\n` +
    `BridgeVideoSourceMode: talker\r\n`
  );
}

/** A complete event frame; `body` is already `\r\n`-terminated lines. */
export function amiEvent(event: string, privilege: string, body: string): string {
  return `Event: ${event}\r\nPrivilege: ${privilege},all\r\nTimestamp: ${amiTimestamp()}\r\n${body}\r\n`;
}

/** A response frame with optional ActionID echo and extra headers. */
export function amiResponse(
  response: string,
  actionId: string | undefined,
  headers: Record<string, string | number> = {},
): string {
  let out = `Response: ${response}\r\n`;
  if (actionId !== undefined) out += `ActionID: ${actionId}\r\n`;
  for (const [k, v] of Object.entries(headers)) out += `${k}: ${v}\r\n`;
  return out + '\r\n';
}
