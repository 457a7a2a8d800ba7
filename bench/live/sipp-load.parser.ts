import { existsSync, readFileSync } from 'node:fs';

/**
 * What one sipp load step saw (carrier UAC: INVITE → 200 → ACK → the PBX's BYE → 200), read from
 * sipp's own files: `-trace_counts` (per-message counts of the scenario), `-trace_stat` (call
 * counters, periodic) and, when traced, `-trace_msg` (every message with a µs timestamp).
 */
export interface LoadStepCounts {
  /** Calls sipp created (INVITEs sent, retransmissions not counted). */
  placed: number;
  /** INVITEs answered with 200 OK. */
  answered: number;
  /** BYEs received from the PBX after the 200 OK (each answered with 200: the call completed as the flow ends it). */
  completed: number;
  /** BYEs that arrived while sipp still waited for the 200 OK: answered so late the flow had already ended. */
  byeBeforeAnswer: number;
  /** Final INVITE responses other than 200, by status code. */
  rejectedByStatus: Record<string, number>;
  /** INVITEs that got no response at all after sipp's retransmissions. */
  inviteTimeouts: number;
  /** Calls sipp ended as failed, by its reason (timeout on recv, unexpected message, …). */
  failedByReason: Record<string, number>;
  /** Seconds from sipp's start until it had created every call (the offered rate actually reached?). */
  placingS: number;
  /** Seconds from sipp's start to its last statistics line (all calls ended). */
  elapsedS: number;
}

/** sipp failure counters (`-trace_stat` columns, cumulative) reported by name. */
const FAILURE_COLUMNS: Record<string, string> = {
  'FailedTimeoutOnRecv(C)': 'timeout (no 200 OK or no BYE in time)',
  'FailedMaxUDPRetrans(C)': 'no response after INVITE retransmissions',
  'FailedUnexpectedMessage(C)': 'unexpected message',
  'FailedCallRejected(C)': 'rejected',
  'FailedCannotSendMessage(C)': 'cannot send',
  'FailedTimeoutOnSend(C)': 'timeout on send',
  'FailedOutboundCongestion(C)': 'sipp outbound congestion',
};

/** Parses a `;`-separated sipp CSV: header + rows (the last row holds the cumulative values). */
function csv(file: string): { header: string[]; rows: string[][] } {
  if (!existsSync(file)) return { header: [], rows: [] };
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const split = (l: string) => l.replace(/;$/, '').split(';');
  return { header: split(lines[0] ?? ''), rows: lines.slice(1).map(split) };
}

/** sipp time cells: "00:00:20:004000" (h:m:s:µs) or "2026-12-04\t19:43:06.929412\t1796413386.929412" (epoch last). */
function seconds(cell: string): number {
  const epoch = /\t(\d+\.\d+)\s*$/.exec(cell);
  if (epoch) return Number(epoch[1]);
  const hms = /^(\d+):(\d+):(\d+):(\d+)$/.exec(cell.trim());
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]) + Number(hms[4]) / 1e6;
  return Number.NaN;
}

/**
 * Reads one step's counts. `countsFile` columns are `<index>_<message>_<Sent|Recv|Timeout|…>` for the
 * scenario of `carrierScenario()` in test/live/support/sipp.carrier.ts: one `200_Recv` (the INVITE's
 * answer), one `<code>_Recv` per rejection code, several `BYE_Recv` (the PBX's BYE, wherever it arrives).
 */
export function parseLoadStep(countsFile: string, statFile: string, total: number): LoadStepCounts {
  const counts = csv(countsFile);
  const last = counts.rows[counts.rows.length - 1] ?? [];
  const col = (re: RegExp) => counts.header.map((h, i) => (re.test(h) ? Number(last[i] ?? 0) : 0)).reduce((a, b) => a + b, 0);
  const rejectedByStatus: Record<string, number> = {};
  counts.header.forEach((h, i) => {
    const m = /^\d+_([3-6]\d\d)_Recv$/.exec(h);
    if (m && Number(last[i]) > 0) rejectedByStatus[m[1]] = (rejectedByStatus[m[1]] ?? 0) + Number(last[i]);
  });

  const stat = csv(statFile);
  const at = (row: string[], name: string) => row[stat.header.indexOf(name)] ?? '';
  const finalRow = stat.rows[stat.rows.length - 1] ?? [];
  const failedByReason: Record<string, number> = {};
  for (const [column, reason] of Object.entries(FAILURE_COLUMNS)) {
    const n = Number(at(finalRow, column) || 0);
    if (n > 0) failedByReason[reason] = n;
  }
  const start = seconds(at(finalRow, 'StartTime'));
  const placedRow = stat.rows.find((r) => Number(at(r, 'TotalCallCreated')) >= total) ?? finalRow;
  // The scenario's only received 200 is the INVITE's answer; a BYE before it in the scenario is the
  // global optional one, matched while the answer is still awaited.
  const answerIndex = Number(counts.header.find((h) => /^\d+_200_Recv$/.test(h))?.split('_')[0] ?? Number.POSITIVE_INFINITY);
  const byeIndex = (h: string) => Number(/^(\d+)_BYE_Recv$/.exec(h)?.[1] ?? Number.NaN);
  return {
    placed: Number(at(finalRow, 'TotalCallCreated') || col(/^0_INVITE_Sent$/)),
    answered: col(/^\d+_200_Recv$/),
    completed: counts.header.reduce((sum, h, i) => (byeIndex(h) > answerIndex ? sum + Number(last[i] ?? 0) : sum), 0),
    byeBeforeAnswer: counts.header.reduce((sum, h, i) => (byeIndex(h) < answerIndex ? sum + Number(last[i] ?? 0) : sum), 0),
    rejectedByStatus,
    inviteTimeouts: col(/^0_INVITE_Timeout$/),
    failedByReason,
    placingS: seconds(at(placedRow, 'CurrentTime')) - start,
    elapsedS: seconds(at(finalRow, 'CurrentTime')) - start,
  };
}

/**
 * INVITE → 200 OK latency of every answered call, ms, from a `-trace_msg` file: the first INVITE
 * sipp sent for a Call-ID to the first `200` with `CSeq: 1 INVITE` it received (µs timestamps of
 * sipp's own send/receive; the same machine, so no clock skew).
 */
export function answerLatenciesMs(messageFile: string): number[] {
  if (!existsSync(messageFile)) return [];
  const text = readFileSync(messageFile, 'utf8');
  const sent = new Map<string, number>();
  const out: number[] = [];
  const answered = new Set<string>();
  for (const block of text.split(/^-{10,} /m)) {
    const stamp = /^(\d{4}-\d\d-\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})/.exec(block);
    if (!stamp) continue;
    const t = Date.parse(`${stamp[1]}T${stamp[2]}:${stamp[3]}:${stamp[4]}Z`) + Number(stamp[5]) / 1000;
    const callId = /^Call-ID:\s*(\S+)/im.exec(block)?.[1];
    if (!callId) continue;
    const isSent = /^\S+ message sent/m.test(block);
    if (isSent && /^INVITE sip:/m.test(block) && /^CSeq:\s*1 INVITE/im.test(block)) {
      if (!sent.has(callId)) sent.set(callId, t);
    } else if (!isSent && /^SIP\/2\.0 200 /m.test(block) && /^CSeq:\s*1 INVITE/im.test(block) && !answered.has(callId)) {
      const t0 = sent.get(callId);
      if (t0 !== undefined) {
        answered.add(callId);
        out.push(t - t0);
      }
    }
  }
  return out;
}
