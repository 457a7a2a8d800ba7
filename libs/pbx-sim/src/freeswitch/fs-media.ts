/**
 * How long FreeSWITCH plays a media URL, for the simulator's timers.
 *
 * - `tone_stream://%(on,off,freq…);loops=N` (TGML, mod_tone_stream): (on + off) × N ms; no
 *   `loops` = once; `loops=-1` = forever. Several `%(…)` segments add up.
 * - `silence_stream://N[,…]`: N ms (`-1` or 0 = forever).
 * - `local_stream://<name>` (MOH): forever.
 * - anything else is a sound file: its length from `files`, or `defaultFileMs`; `null` = missing
 *   (playback answers `FILE NOT FOUND` without PLAYBACK_START, as `switch_ivr_play_file` does).
 */
export interface MediaCatalogue {
  /** Known sound files (path or name as sent) → duration ms. */
  files?: Record<string, number>;
  /** When `files` is given, files not in it are missing unless this is set. */
  defaultFileMs?: number;
  /** Files that do not exist whatever the above says (name as sent, without extension, or path suffix). */
  missing?: string[];
}

/** Duration in ms (Infinity = until stopped) or null when the file does not exist. */
export function mediaDurationMs(url: string, cat: MediaCatalogue): number | null {
  const u = url.replace(/^\{[^}]*\}/, '').trim();
  if (u.startsWith('tone_stream://')) return toneMs(u.slice('tone_stream://'.length));
  if (u.startsWith('silence_stream://')) {
    const n = Number(u.slice('silence_stream://'.length).split(',')[0]);
    return !Number.isFinite(n) || n <= 0 ? Infinity : n;
  }
  if (u.startsWith('local_stream://')) return Infinity;
  if (u.startsWith('file_string://')) {
    let total = 0;
    for (const part of u.slice('file_string://'.length).split('!')) {
      const d = mediaDurationMs(part, cat);
      if (d === null) return null;
      total += d;
    }
    return total;
  }
  if (cat.missing?.some((m) => u === m || u.replace(/\.(wav|mp3|ogg|gsm)$/, '') === m || u.endsWith('/' + m) || u.replace(/\.(wav|mp3|ogg|gsm)$/, '').endsWith('/' + m))) return null;
  if (cat.files) {
    const d = cat.files[u] ?? cat.files[u.replace(/\.(wav|mp3|ogg|gsm)$/, '')] ?? bySuffix(cat.files, u);
    if (d !== undefined) return d;
    return cat.defaultFileMs ?? null;
  }
  return cat.defaultFileMs ?? 1000;
}

/** `/usr/share/freeswitch/sounds/en/us/callie/ivr/8000/ivr-welcome.wav` matches key `ivr/ivr-welcome.wav`. */
function bySuffix(files: Record<string, number>, path: string): number | undefined {
  for (const [k, v] of Object.entries(files)) if (path.endsWith('/' + k)) return v;
  return undefined;
}

function toneMs(spec: string): number {
  const [tones, ...opts] = spec.split(';');
  let loops = 1;
  for (const o of opts) {
    const m = /^loops=(-?\d+)$/.exec(o.trim());
    if (m) loops = Number(m[1]);
  }
  if (loops < 0) return Infinity;
  let once = 0;
  for (const m of tones.matchAll(/%\(([^)]*)\)/g)) {
    const [on, off] = m[1].split(',').map(Number);
    once += (on || 0) + (off || 0);
  }
  return once * Math.max(loops, 1);
}

/** `Playback-File-Type`: the URL scheme, or the file extension. */
export function playbackFileType(url: string): string {
  const m = /^([a-z_]+):\/\//.exec(url);
  if (m) return m[1];
  const ext = /\.([A-Za-z0-9]+)$/.exec(url);
  return ext ? ext[1] : 'wav';
}
