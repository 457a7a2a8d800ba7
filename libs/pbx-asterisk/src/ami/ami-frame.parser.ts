import type { AmiFrame } from './ami.types';

/** Frames larger than this without a terminating blank line are dropped (a broken peer), chars. */
const MAX_PENDING_CHARS = 1_000_000;

/**
 * Splits the AMI byte stream into frames (`Key: Value` lines ended by a blank line, Asterisk
 * manager.c) and parses each into an {@link AmiFrame} with the same shape asterisk-manager
 * produced: header names lower-cased without spaces, repeated headers as arrays. Replaces
 * asterisk-manager's reader, which a single `Response: Follows` frame without
 * `--END COMMAND--` switches into a mode that swallows every later frame (measured: 0 of 100
 * events delivered, README). A frame with neither `Event` nor `Response` is handed to
 * `onMalformed` and skipped; the stream stays in sync at the next blank line.
 */
export class AmiFrameParser {
  private buffer = '';
  private bannerSeen = false;

  /**
   * @param wantedEvents when given, `Event:` frames of other types are skipped unparsed (the
   *   AMI stream is mostly Newexten/VarSet/Newstate the driver never reads).
   */
  constructor(
    private readonly onFrame: (frame: AmiFrame) => void,
    private readonly onMalformed: (raw: string, reason: string) => void,
    private readonly wantedEvents?: ReadonlySet<string>,
  ) {}

  push(chunk: string): void {
    // Drop every CR (not just CRLF pairs): a CRLF can be split across two chunks.
    this.buffer += chunk.indexOf('\r') >= 0 ? chunk.replace(/\r/g, '') : chunk;
    if (!this.bannerSeen) {
      const eol = this.buffer.indexOf('\n');
      if (eol < 0) return;
      const first = this.buffer.slice(0, eol);
      if (first.startsWith('Asterisk Call Manager')) this.buffer = this.buffer.slice(eol + 1);
      this.bannerSeen = true;
    }
    let start = 0;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n', start)) >= 0) {
      const raw = this.buffer.slice(start, end);
      start = end + 2;
      if (raw.trim() !== '') this.parse(raw);
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
    if (this.buffer.length > MAX_PENDING_CHARS) {
      this.onMalformed(this.buffer.slice(0, 200), `no frame end within ${MAX_PENDING_CHARS} chars`);
      this.buffer = '';
    }
  }

  private parse(raw: string): void {
    if (this.wantedEvents && raw.startsWith('Event: ')) {
      const eol = raw.indexOf('\n');
      if (!this.wantedEvents.has(eol < 0 ? raw.slice(7) : raw.slice(7, eol))) return;
    }
    const frame: AmiFrame = {};
    let lineStart = 0;
    while (lineStart <= raw.length) {
      let lineEnd = raw.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = raw.length;
      const colon = raw.indexOf(':', lineStart);
      if (colon > lineStart && colon < lineEnd) {
        const key = raw.slice(lineStart, colon).replace(/\s/g, '').toLowerCase();
        const valueStart = raw.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
        const value = raw.slice(valueStart, lineEnd);
        const prev = frame[key];
        if (prev === undefined) frame[key] = value;
        else if (Array.isArray(prev)) prev.push(value);
        else if (typeof prev === 'string') frame[key] = [prev, value];
      }
      lineStart = lineEnd + 1;
    }
    if (frame.event === undefined && frame.response === undefined) {
      this.onMalformed(raw.slice(0, 200), 'no Event or Response header');
      return;
    }
    this.onFrame(frame);
  }
}
