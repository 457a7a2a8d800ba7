import { liveUnavailableReason, LivePbx } from './live-env';

/**
 * `describe` for a live suite on one PBX, or — where that PBX (or sipp/sox) is not installed — a
 * skipped block with one line saying why (like the MariaDB variants of the fast suite).
 */
export function describeLive(pbx: LivePbx, name: string, fn: () => void): void {
  const reason = liveUnavailableReason(pbx);
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(`live suite SKIPPED on ${pbx}: ${reason}`);
    // Skipped with the reason printed above: the PBX is not installed on this machine.
    describe.skip(`${name} on ${pbx} (skipped: ${reason})`, fn);
    return;
  }
  describe(`${name} on ${pbx}`, fn);
}
