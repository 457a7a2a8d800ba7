/**
 * One AMI frame as `asterisk-manager` parses it: header names lower-cased with spaces removed
 * (`Report0IAJitter` → `report0iajitter`), values strings; a header repeated becomes an array.
 * Event names and fields: Asterisk 22 AMI (`manager.c`, `rtp_engine.c`, `res_pjsip`), as
 * recorded in /work/shared/fixtures/asterisk.
 */
export type AmiFrame = Record<string, string | string[] | Record<string, string> | undefined>;

/** The AMI events the driver reads. */
export type AmiEventName = 'Hangup' | 'ContactStatus' | 'RTCPSent' | 'RTCPReceived' | 'FullyBooted';

/** Reads a header as one string ('' when absent; the first value when repeated). */
export function header(frame: AmiFrame, name: string): string {
  const v = frame[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v[0] ?? '';
  return '';
}
