import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionResult, ReplayResult } from './replay-engine';

/** The subscription every recording after scenario 1 uses (test/fixtures/freeswitch/README.md). */
export const RECORDED_SUBSCRIPTION =
  'CHANNEL_CREATE CHANNEL_PARK CHANNEL_ANSWER CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_BRIDGE CHANNEL_UNBRIDGE ' +
  'CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE ' +
  'CHANNEL_DESTROY DTMF PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP BACKGROUND_JOB RECV_RTCP_MESSAGE HEARTBEAT ' +
  'CUSTOM sofia::register sofia::unregister sofia::expire sofia::transferor sofia::transferee sofia::replaced';

/** Assert one replayed connection against its recording: replies, events per channel, framing, notices. */
export function expectConnectionConforms(c: ConnectionResult): void {
  expect(c.syncProblems).toEqual([]);
  for (const r of c.replies) {
    expect({ command: r.command, ...r.actual }).toEqual({ command: r.command, ...r.expected });
  }
  for (const [key, seq] of Object.entries(c.sequences)) {
    expect({ key, events: seq.actual }).toEqual({ key, events: seq.expected });
  }
  expect(c.notices.actual).toEqual(c.notices.expected);
  expect(c.eventEnvelopes.actual).toEqual(c.eventEnvelopes.expected);
  expect(c.headerGaps).toEqual([]);
}

export function expectConforms(r: ReplayResult): void {
  for (const c of r.connections) expectConnectionConforms(c);
}

/** A raw TCP listener standing in for callplane's outbound ESL server. */
export async function outboundListener(): Promise<{ server: Server; port: number; next: () => Promise<Socket> }> {
  const queue: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    next: () => {
      const s = queue.shift();
      return s ? Promise.resolve(s) : new Promise((r) => waiting.push(r));
    },
  };
}

/** `show channels|calls as json`: creation times differ between runs. */
export function normalizeShowJson(_command: string, body: string): string {
  if (!body.startsWith('{"row_count":') || body.startsWith('{"row_count": 0}')) return body;
  const o = JSON.parse(body) as { row_count: number; rows: Array<Record<string, string>> };
  for (const row of o.rows) {
    for (const k of ['created', 'created_epoch', 'call_created_epoch', 'b_created', 'b_created_epoch']) {
      if (row[k]) row[k] = '<time>';
    }
  }
  return JSON.stringify(o);
}

/** `sofia status profile internal reg`: call-id, user agent, contact port and expiry differ. */
export function normalizeSofiaStatus(_command: string, body: string): string {
  return body
    .replace(/^(Call-ID:\s+\t).*$/gm, '$1<call-id>')
    .replace(/^(Agent:\s+\t).*$/gm, '$1<agent>')
    .replace(/^(Contact:\s+\t).*$/gm, '$1<contact>')
    .replace(/^(Port:\s+\t).*$/gm, '$1<port>')
    .replace(/EXP\([^)]*\) EXPSECS\(\d+\)/g, 'EXP(<t>) EXPSECS(<s>)');
}
