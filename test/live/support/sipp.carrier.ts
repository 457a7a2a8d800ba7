import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveEnv } from './live-env';
import { freePortBlock } from './live-ports';
import { LiveProcess, startProcess } from './live-processes';

/** One step of a carrier call after it is answered. */
export type CarrierStep =
  /** Wait this long, ms (a BYE from the PBX meanwhile ends the call normally). */
  | { pauseMs: number }
  /** Send one RFC 4733 digit (Debian's sipp captures `dtmf_2833_<d>.pcap`, ~200 ms each). */
  | { dtmf: string };

export interface CarrierCallOptions {
  /** Where to send the INVITE (`host:port`): the PBX's carrier-facing SIP port. */
  target: string;
  /** Called number (DID). */
  did: string;
  callerNumber?: string;
  callerName?: string;
  /** After the 200 OK (and ACK): the steps, in order. */
  steps?: CarrierStep[];
  /**
   * How the call ends after the steps: `bye` = the carrier hangs up (BYE), `wait` = wait for the PBX's
   * BYE (at most `waitByeMs`). Default `wait`.
   */
  end?: 'bye' | 'wait';
  waitByeMs?: number;
  /** Hang up (CANCEL) before the answer after this many ms instead of waiting for the 200 OK. */
  cancelAfterMs?: number;
}

/** What sipp saw of one call. */
export interface CarrierCallResult {
  /** sipp's exit code: 0 = the scenario completed. */
  exitCode: number | string;
  /** Final SIP status of the INVITE (200, 486, 503, …) or undefined if none arrived. */
  inviteStatus?: number;
  /** Who ended the call: the PBX's BYE, or ours. */
  endedBy?: 'pbx' | 'carrier' | 'cancel';
  log: string;
}

const DIGIT_PCAP: Record<string, string> = { '*': 'star', '#': 'pound' };

/**
 * A SIP carrier played by sipp (apt sip-tester): one INVITE with a PCMU + telephone-event offer,
 * RTP-less except for RFC 4733 digits; accepts in-dialog re-INVITE/UPDATE at any point; answers the
 * PBX's BYE. One sipp process per call, ended by PID (LiveProcesses) if the test fails.
 */
export class SippCarrier {
  static async call(opts: CarrierCallOptions): Promise<CarrierCallResult> {
    const handle = await SippCarrier.start(opts);
    return handle.result;
  }

  /** Starts the call and returns at once; `result` resolves when sipp exits. */
  static async start(opts: CarrierCallOptions): Promise<{ proc: LiveProcess; result: Promise<CarrierCallResult> }> {
    const dir = mkdtempSync(join(tmpdir(), 'callplane-live-sipp-'));
    const scenario = join(dir, 'carrier.xml');
    writeFileSync(scenario, carrierScenario(opts));
    const args = [
      ...(await sippCarrierArgs({ target: opts.target, scenario, did: opts.did, callerNumber: opts.callerNumber ?? '5551234', callerName: opts.callerName ?? 'Alice Caller' })),
      '-m', '1',
      '-l', '1',
      '-nostdin',
      '-trace_msg', '-message_file', join(dir, 'messages.log'),
      '-trace_err', '-error_file', join(dir, 'errors.log'),
      '-timeout', `${Math.ceil(((opts.waitByeMs ?? 30_000) + stepsMs(opts)) / 1000) + 30}s`,
      '-timeout_error',
    ];
    const proc = startProcess('sipp', liveEnv().sipp, args, join(dir, 'sipp.out'), { cwd: dir });
    const result = proc.exited.then((exitCode) => {
      const log = existsSync(join(dir, 'messages.log')) ? readFileSync(join(dir, 'messages.log'), 'utf8') : '';
      const statuses = [...log.matchAll(/^SIP\/2\.0 (\d{3}) .*$[\s\S]*?^CSeq: *\d+ INVITE/gm)].map((m) => Number(m[1])).filter((s) => s >= 200);
      const byeFromPbx = /received[\s\S]{0,200}?\n\s*BYE sip:/m.test(log);
      const endedBy: CarrierCallResult['endedBy'] = opts.cancelAfterMs !== undefined ? 'cancel' : byeFromPbx ? 'pbx' : /sent[\s\S]{0,200}?\n\s*BYE sip:/m.test(log) ? 'carrier' : undefined;
      return { exitCode, inviteStatus: statuses[0], endedBy, log: `${log}\n${existsSync(join(dir, 'errors.log')) ? readFileSync(join(dir, 'errors.log'), 'utf8') : ''}` };
    });
    return { proc, result };
  }
}

/**
 * What every sipp carrier run starts with (the live suite's calls and bench:live's load steps): the
 * PBX target, the scenario file, the DID, its own free SIP and media ports on 127.0.0.1, the caller.
 */
export async function sippCarrierArgs(o: { target: string; scenario: string; did: string; callerNumber: string; callerName: string }): Promise<string[]> {
  const port = await freePortBlock(4);
  return [o.target, '-sf', o.scenario, '-s', o.did, '-i', '127.0.0.1', '-p', String(port), '-mp', String(port + 2), '-set', 'caller', o.callerNumber, '-set', 'callername', o.callerName];
}

function stepsMs(opts: CarrierCallOptions): number {
  return (opts.steps ?? []).reduce((t, s) => t + ('pauseMs' in s ? s.pauseMs : 300), opts.cancelAfterMs ?? 0);
}

const SDP = `v=0
o=carrier 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv`;

/** Final failure responses to the INVITE: ACK them and end (the result carries the status). */
const rejections = [403, 404, 408, 480, 486, 487, 488, 500, 502, 503, 600, 603].map((code) => `  <recv response="${code}" optional="true" next="rejected"/>`).join('\n');

/** The carrier's own From (with its tag) and Contact, the same in every request it sends. */
const FROM = 'From: "[$callername]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]';
const CONTACT = 'Contact: <sip:[$caller]@[local_ip]:[local_port]>';

const dialogHeaders = `[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]`;

/** The sipp XML for one carrier call (public for the bench, which uses the same scenario). */
export function carrierScenario(opts: Pick<CarrierCallOptions, 'steps' | 'end' | 'waitByeMs' | 'cancelAfterMs'>): string {
  const invite = `<send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
${FROM}
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
${CONTACT}
Max-Forwards: 70
User-Agent: callplane-live-carrier
Content-Type: application/sdp
Content-Length: [len]

${SDP}
]]></send>`;
  const inDialogReplies = `
  <!-- The PBX may re-INVITE/UPDATE the call at any time (e.g. connected line when an agent is bridged). -->
  <recv request="INVITE" optional="global" next="reinvite"/>
  <recv request="UPDATE" optional="global" next="update"/>
  <recv request="BYE" optional="global" next="pbx-bye"/>`;
  if (opts.cancelAfterMs !== undefined) {
    return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier-cancel">
  <Global variables="caller,callername"/>
  ${invite}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <pause milliseconds="${opts.cancelAfterMs}"/>
  <send><![CDATA[
CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-1]
${FROM}
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 CANCEL
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" crlf="true"/>
  <recv response="487"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-2]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
</scenario>`;
  }
  const steps = (opts.steps ?? [])
    .map((s) => ('pauseMs' in s ? `  <pause milliseconds="${s.pauseMs}"/>` : `  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_${DIGIT_PCAP[s.dtmf] ?? s.dtmf}.pcap"/></action></nop>\n  <pause milliseconds="300"/>`))
    .join('\n');
  const end =
    opts.end === 'bye'
      ? `  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
${FROM}
[last_To:]
Call-ID: [call_id]
CSeq: 3 BYE
${CONTACT}
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>
  <nop next="done"/>`
      : `  <recv request="BYE" timeout="${opts.waitByeMs ?? 30_000}" next="pbx-bye"/>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier">
  <Global variables="caller,callername"/>
  ${invite}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
${rejections}
${inDialogReplies}
  <recv response="200" rrs="true" rtd="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
${FROM}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
[routes]
${CONTACT}
Max-Forwards: 70
Content-Length: 0

]]></send>
${steps}
${end}

  <label id="reinvite"/>
  <send><![CDATA[
SIP/2.0 200 OK
${dialogHeaders}
${CONTACT}
Content-Type: application/sdp
Content-Length: [len]

${SDP}
]]></send>
  <recv request="ACK"/>
  <recv request="BYE" timeout="${opts.waitByeMs ?? 30_000}" next="pbx-bye"/>

  <label id="update"/>
  <send><![CDATA[
SIP/2.0 200 OK
${dialogHeaders}
${CONTACT}
Content-Length: 0

]]></send>
  <recv request="BYE" timeout="${opts.waitByeMs ?? 30_000}" next="pbx-bye"/>

  <label id="pbx-bye"/>
  <send><![CDATA[
SIP/2.0 200 OK
${dialogHeaders}
Content-Length: 0

]]></send>
  <nop next="done"/>

  <label id="rejected"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <label id="done"/>
  <timewait milliseconds="200"/>
</scenario>`;
}
