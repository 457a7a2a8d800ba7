import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where the live suite finds the real PBXes and SIP tools. Defaults are what `../shared/pbx/install.sh`
 * and Debian's packages install; a user points the suite at their own builds with:
 *
 * | variable | default |
 * | --- | --- |
 * | `LIVE_ASTERISK_PREFIX` | `/opt/pbx/asterisk` (sbin/asterisk, lib/asterisk/modules, var/lib/asterisk/rest-api) |
 * | `LIVE_ASTERISK_SOUNDS` | `/usr/share/asterisk/sounds/en_US_f_Allison` (Debian asterisk-core-sounds-en-gsm) |
 * | `LIVE_ASTERISK_MOH` | `/usr/share/asterisk/moh` (Debian asterisk-moh-opsound-gsm) |
 * | `LIVE_FREESWITCH_PREFIX` | `/opt/pbx/freeswitch` (bin/freeswitch, bin/fs_cli, lib/freeswitch/mod, etc/freeswitch) |
 * | `LIVE_SIPP`, `LIVE_SOX` | `sipp`, `sox` on PATH |
 * | `LIVE_PBX` | `asterisk,freeswitch` (which PBXes to run) |
 */
export interface LiveEnv {
  asterisk: { prefix: string; binary: string; modules: string; varlib: string; sounds: string; moh: string };
  freeswitch: { prefix: string; binary: string; cli: string; modules: string; vanillaConf: string; music: string };
  sipp: string;
  sox: string;
}

export type LivePbx = 'asterisk' | 'freeswitch';

export function liveEnv(env: NodeJS.ProcessEnv = process.env): LiveEnv {
  const ast = env.LIVE_ASTERISK_PREFIX ?? '/opt/pbx/asterisk';
  const fs = env.LIVE_FREESWITCH_PREFIX ?? '/opt/pbx/freeswitch';
  return {
    asterisk: {
      prefix: ast,
      binary: join(ast, 'sbin/asterisk'),
      modules: join(ast, 'lib/asterisk/modules'),
      varlib: join(ast, 'var/lib/asterisk'),
      sounds: env.LIVE_ASTERISK_SOUNDS ?? '/usr/share/asterisk/sounds/en_US_f_Allison',
      moh: env.LIVE_ASTERISK_MOH ?? '/usr/share/asterisk/moh',
    },
    freeswitch: {
      prefix: fs,
      binary: join(fs, 'bin/freeswitch'),
      cli: join(fs, 'bin/fs_cli'),
      modules: join(fs, 'lib/freeswitch/mod'),
      vanillaConf: join(fs, 'etc/freeswitch'),
      music: join(fs, 'share/freeswitch/sounds/music'),
    },
    sipp: which(env.LIVE_SIPP ?? 'sipp') ?? env.LIVE_SIPP ?? 'sipp',
    sox: which(env.LIVE_SOX ?? 'sox') ?? env.LIVE_SOX ?? 'sox',
  };
}

/** Why the live suite cannot run for `pbx` here, or undefined when it can. */
export function liveUnavailableReason(pbx: LivePbx, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const wanted = (env.LIVE_PBX ?? 'asterisk,freeswitch').split(',').map((s) => s.trim());
  if (!wanted.includes(pbx)) return `LIVE_PBX=${env.LIVE_PBX} leaves ${pbx} out`;
  const e = liveEnv(env);
  const need: [string, string][] =
    pbx === 'asterisk'
      ? [
          [e.asterisk.binary, 'LIVE_ASTERISK_PREFIX'],
          [join(e.asterisk.varlib, 'rest-api'), 'LIVE_ASTERISK_PREFIX'],
          [e.asterisk.sounds, 'LIVE_ASTERISK_SOUNDS'],
        ]
      : [
          [e.freeswitch.binary, 'LIVE_FREESWITCH_PREFIX'],
          [e.freeswitch.vanillaConf, 'LIVE_FREESWITCH_PREFIX'],
          [e.asterisk.sounds, 'LIVE_ASTERISK_SOUNDS (FreeSWITCH prompts are made from them)'],
        ];
  for (const [path, variable] of need) if (!existsSync(path)) return `${path} not found (install ../shared/pbx or set ${variable})`;
  if (!isExecutable(e.sipp)) return `sipp not found (apt install sip-tester, or set LIVE_SIPP)`;
  if (!which('baresip')) return 'baresip not found (apt install baresip-core)';
  if (pbx === 'freeswitch' && !isExecutable(e.sox)) return `sox not found (apt install sox, or set LIVE_SOX)`;
  return undefined;
}

function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return isExecutable(cmd) ? cmd : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
