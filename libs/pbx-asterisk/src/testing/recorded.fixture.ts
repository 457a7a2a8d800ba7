import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiFrame } from '../ami/ami.types';

/** One line of a recording: an ARI WebSocket event or an AMI frame parsed like asterisk-manager does. */
export type RecordedItem = { t: number; kind: 'ari'; event: Record<string, any> } | { t: number; kind: 'ami'; frame: AmiFrame };

/** Loads an excerpt of a real Asterisk 22 recording (see README.md in this folder). */
export function loadRecording(scenario: string): RecordedItem[] {
  const text = readFileSync(join(__dirname, `${scenario}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { t: number; kind: string; event?: Record<string, unknown>; frame?: string })
    .map((o) => (o.kind === 'ari.event' ? { t: o.t, kind: 'ari' as const, event: o.event! } : { t: o.t, kind: 'ami' as const, frame: parseAmiFrame(o.frame!) }));
}

/** Header names lower-cased without spaces, as asterisk-manager@0.2.0 delivers them. */
export function parseAmiFrame(frame: string): AmiFrame {
  const out: AmiFrame = {};
  for (const line of frame.split('\r\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i).replace(/\s/g, '').toLowerCase()] = line.slice(i + 2);
  }
  return out;
}

export function ariEvents(scenario: string, type?: string): Array<Record<string, any>> {
  return loadRecording(scenario)
    .filter((r): r is Extract<RecordedItem, { kind: 'ari' }> => r.kind === 'ari')
    .map((r) => r.event)
    .filter((e) => type === undefined || e.type === type);
}

export function amiFrames(scenario: string, event: string): AmiFrame[] {
  return loadRecording(scenario)
    .filter((r): r is Extract<RecordedItem, { kind: 'ami' }> => r.kind === 'ami')
    .map((r) => r.frame)
    .filter((f) => f.event === event);
}
