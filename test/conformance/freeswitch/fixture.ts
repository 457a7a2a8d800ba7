import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEslHeaders } from '../../../libs/pbx-sim/src/freeswitch/esl-test-client';

/** One line of a recorded scenario (test/fixtures/README.md format). */
export interface FixtureEntry {
  t: number;
  kind: 'esl.out' | 'esl.in' | 'note';
  frame?: string;
  text?: string;
}

/** A frame cut with the ESL rules. */
export interface ParsedFrame {
  headers: Record<string, string>;
  headerOrder: string[];
  body: string;
}

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'freeswitch');

/** Load `test/fixtures/freeswitch/<name>.jsonl`. */
export function loadFixture(name: string): FixtureEntry[] {
  return readFileSync(join(FIXTURE_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FixtureEntry);
}

export function parseFrame(frame: string): ParsedFrame {
  const end = frame.indexOf('\n\n');
  const head = end < 0 ? frame : frame.slice(0, end);
  const { headers, headerOrder } = parseEslHeaders(head);
  return { headers, headerOrder, body: end < 0 ? '' : frame.slice(end + 2) };
}
