import { liveUnavailableReason, LivePbx } from './live-env';

/**
 * `describe` for a live suite on one PBX, or — where that PBX (or sipp/sox/baresip) is not installed —
 * a skipped block whose name says why; test/live/global-setup.ts prints the reason once per run (like
 * the MariaDB variants of the fast suite).
 */
export function describeLive(pbx: LivePbx, name: string, fn: () => void): void {
  const reason = liveUnavailableReason(pbx);
  if (reason) {
    // Skipped with the reason in its name (printed once by global-setup.ts): the PBX is not installed here.
    describe.skip(`${name} on ${pbx} (skipped: ${reason})`, fn);
    return;
  }
  describe(`${name} on ${pbx}`, fn);
}
