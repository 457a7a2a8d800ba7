/**
 * PBX-neutral prompt URIs. Flows and services speak these; each driver maps them to what its
 * PBX plays (Asterisk ARI `media` URIs per playbacks.json; FreeSWITCH `playback`/`say` args).
 *
 * - `sound:<name>`      a sound file without extension (`sound:hello-world`)
 * - `digits:<digits>`   say each digit (`digits:123`)
 * - `number:<n>`        say a whole number (`number:42`)
 * - `date:<iso-8601>`   say a date/time
 * - `recording:<name>`  a stored recording
 * - `tone:<name>`       an indication tone (`tone:ring`, `tone:busy`)
 * - `silence:<ms>`      silence
 */
export type PromptKind = 'sound' | 'digits' | 'number' | 'date' | 'recording' | 'tone' | 'silence';

export interface Prompt {
  kind: PromptKind;
  value: string;
}

const KINDS: readonly PromptKind[] = ['sound', 'digits', 'number', 'date', 'recording', 'tone', 'silence'];

/** Parses `kind:value`; returns undefined when the URI is not a valid prompt. */
export function parsePrompt(uri: string): Prompt | undefined {
  const i = uri.indexOf(':');
  if (i <= 0) return undefined;
  const kind = uri.slice(0, i) as PromptKind;
  const value = uri.slice(i + 1);
  if (!KINDS.includes(kind) || value.length === 0) return undefined;
  if (kind === 'digits' && !/^[0-9*#A-D]+$/.test(value)) return undefined;
  if ((kind === 'number' || kind === 'silence') && !/^-?\d+$/.test(value)) return undefined;
  return { kind, value };
}

/** True when `uri` is a prompt URI callplane understands. */
export function isPromptUri(uri: string): boolean {
  return parsePrompt(uri) !== undefined;
}
