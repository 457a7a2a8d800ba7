import { InvalidPromptError, parsePrompt } from '@callplane/pbx';

/** A dialplan application call (`sendmsg … execute-app-name/-arg`). */
export interface EslApp {
  app: string;
  arg: string;
}

/** Where FreeSWITCH finds callplane's media (paths on the FreeSWITCH host). */
export interface PromptPaths {
  /** Prefix for `sound:` files; '' = relative, resolved by FreeSWITCH's `sound_prefix`. */
  soundsPath: string;
  /** Directory of `recording:` files and of `record()` output. */
  recordingsPath: string;
  /** Sound file extension appended to `sound:` names; default `wav`. */
  soundExtension?: string;
}

/**
 * Indication tones as TGML (`tone_stream://`, FreeSWITCH mod_dptools "TGML"); cadences of the
 * North American tones (ring 2 s on / 4 s off at 440+480 Hz, busy 0.5/0.5 s at 480+620 Hz).
 */
const TONES: Record<string, string> = {
  ring: '%(2000,4000,440,480)',
  busy: '%(500,500,480,620)',
  congestion: '%(250,250,480,620)',
  dial: '%(10000,0,350,440)',
  beep: '%(500,0,1000)',
  info: '%(330,0,950);%(330,0,1400);%(330,0,1800)',
};

/**
 * Maps a PBX-neutral prompt URI (libs/pbx prompt.ts) to the FreeSWITCH app that plays it:
 * `sound:`/`recording:` → `playback <file>`, `digits:` → `playback file_string://digits/1.wav!…`,
 * `number:` → `say <lang> number pronounced`, `date:` → `say <lang> current_date_time pronounced <epoch s>`,
 * `tone:` → `playback tone_stream://…`, `silence:<ms>` → `playback silence_stream://<ms>`.
 * @throws InvalidPromptError for URIs callplane does not understand (or an unknown tone name)
 */
export function promptToApp(uri: string, paths: PromptPaths, language = 'en'): EslApp {
  const prompt = parsePrompt(uri);
  if (!prompt) throw new InvalidPromptError(uri);
  const lang = language.split(/[-_]/)[0] || 'en';
  switch (prompt.kind) {
    case 'sound':
      return { app: 'playback', arg: joinPath(paths.soundsPath, `${prompt.value}.${paths.soundExtension ?? 'wav'}`) };
    case 'recording':
      return { app: 'playback', arg: joinPath(paths.recordingsPath, prompt.value.includes('.') ? prompt.value : `${prompt.value}.wav`) };
    case 'digits':
      // One file per digit from the sound set (`digits/1.wav`, `digits/star.wav`, `digits/pound.wav`):
      // needs no say module and plays as one playback.
      return { app: 'playback', arg: fileString([...prompt.value].map((d) => joinPath(paths.soundsPath, `digits/${DIGIT_FILES[d] ?? d}.${paths.soundExtension ?? 'wav'}`))) };
    case 'number':
      return { app: 'say', arg: `${lang} number pronounced ${prompt.value}` };
    case 'date': {
      const ms = Date.parse(prompt.value);
      if (Number.isNaN(ms)) throw new InvalidPromptError(uri);
      return { app: 'say', arg: `${lang} current_date_time pronounced ${Math.floor(ms / 1000)}` };
    }
    case 'tone': {
      const tgml = TONES[prompt.value] ?? (prompt.value.startsWith('%(') ? prompt.value : undefined);
      if (!tgml) throw new InvalidPromptError(uri);
      return { app: 'playback', arg: `tone_stream://${tgml}` };
    }
    case 'silence':
      return { app: 'playback', arg: `silence_stream://${Math.max(0, Number(prompt.value))}` };
  }
}

const DIGIT_FILES: Record<string, string> = { '*': 'star', '#': 'pound', A: 'a', B: 'b', C: 'c', D: 'd' };

/** Several files as one playback (`file_string://a!b`, mod_dptools file_string). */
function fileString(files: string[]): string {
  return files.length === 1 ? files[0] : `file_string://${files.join('!')}`;
}

function joinPath(dir: string, file: string): string {
  if (!dir || file.startsWith('/')) return file;
  return `${dir.replace(/\/+$/, '')}/${file}`;
}
