import { InvalidPromptError, parsePrompt } from '@callplane/pbx';

/**
 * PBX-neutral prompt URIs (libs/pbx prompt.ts) → ARI media URIs (Asterisk playbacks.json:
 * `sound:`, `recording:`, `number:`, `digits:`, `characters:`, `tone:`).
 * - `date:<iso>` has no ARI scheme; it is said like `SayUnixTime(…,ABdY)`: weekday, month,
 *   day number, year (Asterisk core sounds `digits/day-0..6`, `digits/mon-0..11`).
 * - `silence:<ms>` → `sound:silence/<s>` (core sounds ship `silence/1`…`silence/10`), rounded up.
 * @throws InvalidPromptError for a URI callplane does not understand.
 */
export function toAriMedia(prompts: string[]): string[] {
  const media: string[] = [];
  for (const uri of prompts) {
    const prompt = parsePrompt(uri);
    if (!prompt) throw new InvalidPromptError(uri);
    switch (prompt.kind) {
      case 'sound':
      case 'digits':
      case 'number':
      case 'recording':
      case 'tone':
        media.push(uri);
        break;
      case 'silence': {
        const s = Math.min(10, Math.max(1, Math.ceil(Number(prompt.value) / 1000)));
        media.push(`sound:silence/${s}`);
        break;
      }
      case 'date': {
        const t = Date.parse(prompt.value);
        if (Number.isNaN(t)) throw new InvalidPromptError(uri);
        const d = new Date(t);
        media.push(`sound:digits/day-${d.getUTCDay()}`, `sound:digits/mon-${d.getUTCMonth()}`, `number:${d.getUTCDate()}`, `number:${d.getUTCFullYear()}`);
        break;
      }
    }
  }
  if (media.length === 0) throw new InvalidPromptError('');
  return media;
}
