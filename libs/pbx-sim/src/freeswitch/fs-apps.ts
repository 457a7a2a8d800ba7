import type { EslHeaders } from './esl-frame.encoder';
import type { FsChannel } from './fs-channel.model';
import { mediaDurationMs, playbackFileType, type MediaCatalogue } from './fs-media';
import type { AppImpl, FsSwitch } from './fs-switch';

/** What the app implementations need besides the switch. */
export interface AppContext {
  sw: FsSwitch;
  media: MediaCatalogue;
}

/** Per-channel DTMF listeners (the running app collects digits). */
export type DtmfListener = (digit: string) => void;
const dtmfListeners = new WeakMap<FsChannel, DtmfListener>();

export function onDtmf(ch: FsChannel, digit: string): void {
  dtmfListeners.get(ch)?.(digit);
}

/**
 * Play one file on the channel: PLAYBACK_START … PLAYBACK_STOP (`done` | `break`).
 * `done(status, reason)` fires after PLAYBACK_STOP. Returns a stop function.
 */
export function playFile(
  ctx: AppContext,
  ch: FsChannel,
  file: string,
  done: (result: 'done' | 'break' | 'hangup' | 'notfound') => void,
  extraTail: EslHeaders = [],
): (reason: 'break' | 'hangup' | 'done') => void {
  const dur = mediaDurationMs(file, ctx.media);
  if (dur === null) {
    setImmediate(() => done('notfound'));
    return () => undefined;
  }
  const type = playbackFileType(file);
  const tail: EslHeaders = [['Playback-File-Type', type], ['Playback-File-Path', file], ...extraTail];
  ctx.sw.fire('PLAYBACK_START', ch, { tail });
  ch.playing = file;
  const started = Date.now();
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (status: 'done' | 'break', result: 'done' | 'break' | 'hangup'): void => {
    if (finished) return;
    finished = true;
    if (timer) {
      clearTimeout(timer);
      ch.timers.delete(timer);
    }
    if (ch.playing === file) ch.playing = undefined;
    const ms = Math.min(Date.now() - started, Number.isFinite(dur) ? dur : Infinity);
    ch.setVar('playback_last_offset_pos', String(ms * 8));
    ch.setVar('playback_seconds', String(Math.floor(ms / 1000)));
    ch.setVar('playback_ms', String(ms));
    ch.setVar('playback_samples', String(ms * 8));
    ctx.sw.fire('PLAYBACK_STOP', ch, { tail: [...tail, ['Playback-Status', status]] });
    done(result);
  };
  if (Number.isFinite(dur)) timer = ch.timer(dur * ctx.sw.timings.mediaTimeScale, () => finish('done', 'done'));
  return (reason) => finish(reason === 'break' ? 'break' : 'done', reason);
}

/** `playback <file>`: FILE PLAYED; PLAYBACK ERROR when the far end hung up during it (recorded). */
function playback(ctx: AppContext): AppImpl {
  return (ch, data, complete, app) => {
    const terminators = ch.getVar('playback_terminators') ?? '*';
    const stop = playFile(ctx, ch, data, (r) => {
      dtmfListeners.delete(ch);
      if (r === 'notfound') return complete('FILE NOT FOUND');
      if (r === 'hangup') return complete(ch.hangupOrigin === 'remote' ? 'PLAYBACK ERROR' : 'FILE PLAYED');
      complete('FILE PLAYED');
    });
    app.stop = stop;
    dtmfListeners.set(ch, (d) => {
      if (terminators !== 'none' && terminators.includes(d)) {
        ch.setVar('playback_terminator_used', d);
        stop('break');
      }
    });
  };
}

/**
 * `play_and_get_digits min max tries timeout terminators file invalid_file var regexp digit_timeout`
 * (mod_dptools). The first digit stops the prompt; the terminator or max digits end input.
 */
function playAndGetDigits(ctx: AppContext): AppImpl {
  return (ch, data, complete, app) => {
    const a = data.split(/\s+/);
    const min = Number(a[0]) || 0;
    const max = Number(a[1]) || 128;
    const tries = Number(a[2]) || 1;
    const timeout = Number(a[3]) || 5000;
    const terms = a[4] ?? '#';
    const file = a[5] ?? '';
    const invalid = a[6] ?? '';
    const varName = a[7] ?? '';
    const regex = new RegExp('^(?:' + (a[8] ?? '\\d+') + ')$');
    const digitTimeout = Number(a[9]) || timeout;
    const scale = ctx.sw.timings.mediaTimeScale;
    let attempt = 0;
    let digits = '';
    let stopPrompt: ((r: 'break' | 'hangup' | 'done') => void) | undefined;
    let waitTimer: NodeJS.Timeout | undefined;
    let over = false;
    const clearWait = (): void => {
      if (waitTimer) {
        clearTimeout(waitTimer);
        ch.timers.delete(waitTimer);
        waitTimer = undefined;
      }
    };
    const finish = (response: string): void => {
      if (over) return;
      over = true;
      clearWait();
      dtmfListeners.delete(ch);
      complete(response);
    };
    const endAttempt = (terminator: string): void => {
      clearWait();
      if (digits.length >= min && regex.test(digits)) {
        if (varName) ch.setVar(varName, digits);
        ch.setVar('read_terminator_used', terminator);
        ch.setVar('read_result', 'success');
        return finish('_none_');
      }
      if (attempt < tries) {
        digits = '';
        const next = (): void => startAttempt();
        if (invalid) stopPrompt = playFile(ctx, ch, invalid, () => next());
        else next();
        return;
      }
      if (varName) ch.setVar(varName, '');
      ch.setVar('read_result', digits === '' ? 'timeout' : 'failure');
      finish('_none_');
    };
    const armWait = (ms: number): void => {
      clearWait();
      waitTimer = ch.timer(ms * scale, () => endAttempt(''));
    };
    const startAttempt = (): void => {
      attempt++;
      digits = '';
      stopPrompt = playFile(ctx, ch, file, (r) => {
        stopPrompt = undefined;
        if (r === 'hangup') return finish('_none_');
        if (digits === '' && r !== 'break') armWait(timeout);
      });
    };
    dtmfListeners.set(ch, (d) => {
      if (over) return;
      if (stopPrompt) {
        const s = stopPrompt;
        stopPrompt = undefined;
        s('break');
      }
      if (terms.includes(d)) return endAttempt(d);
      digits += d;
      if (digits.length >= max) return endAttempt('');
      armWait(digitTimeout);
    });
    app.stop = (reason) => {
      stopPrompt?.(reason === 'break' ? 'break' : 'hangup');
      finish('_none_');
    };
    startAttempt();
  };
}

/** Apps that only set state and complete at once. */
function instant(fn: (ch: FsChannel, data: string) => void, response = '_none_'): AppImpl {
  return (ch, data, complete) => {
    fn(ch, data);
    complete(response);
  };
}

/** The dialplan app table used by sendmsg, uuid_broadcast, originate `&app()` and the dialplan. */
export function buildApps(ctx: AppContext): Record<string, AppImpl> {
  const sw = ctx.sw;
  const setVar = (ch: FsChannel, data: string): void => {
    const i = data.indexOf('=');
    if (i > 0) ch.setVar(data.slice(0, i), data.slice(i + 1));
  };
  return {
    answer: instant((ch) => {
      sw.markAnswered(ch);
    }),
    pre_answer: instant((ch) => sw.markPreAnswered(ch)),
    ring_ready: instant((ch) => {
      if (!ch.progressUs) {
        ch.progressUs = Date.now() * 1000;
        sw.fire('CHANNEL_PROGRESS', ch);
      }
    }),
    set: instant(setVar),
    export: instant((ch, d) => {
      setVar(ch, d.replace(/^nolocal:/, ''));
      ch.setVar('export_vars', d.split('=')[0]);
    }),
    unset: instant((ch, d) => {
      ch.unsetVar(d.trim());
    }),
    log: instant(() => undefined),
    info: instant(() => undefined),
    hangup: (ch, data, complete, app) => {
      // EXECUTE hangup → CHANNEL_HANGUP → EXECUTE_COMPLETE hangup (outbound-socket.jsonl).
      app.stop = () => complete('_none_');
      sw.hangup(ch, data.trim() || 'NORMAL_CLEARING', 'local');
    },
    playback: playback(ctx),
    play_and_get_digits: playAndGetDigits(ctx),
    sleep: (ch, data, complete, app) => {
      const t = ch.timer((Number(data) || 0) * sw.timings.mediaTimeScale, () => complete('_none_'));
      app.stop = () => {
        clearTimeout(t);
        ch.timers.delete(t);
        complete('_none_');
      };
    },
    park: (ch, _data, complete) => {
      // `park` via sendmsg: the channel is parked; the app itself completes when unparked.
      sw.park(ch);
      complete('_none_');
    },
    record: (ch, data, complete, app) => {
      const [path, limit] = data.split(/\s+/);
      ch.recording = path;
      sw.fire('RECORD_START', ch, { tail: [['Record-File-Path', path]] });
      const stop = (): void => {
        sw.stopRecording(ch);
        complete('_none_');
      };
      if (Number(limit) > 0) ch.timer(Number(limit) * 1000 * sw.timings.mediaTimeScale, stop);
      app.stop = stop;
    },
  };
}
