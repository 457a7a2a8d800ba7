import { liveUnavailableReason } from './support/live-env';

/** Says once per run which PBXes the live suite skips, and why (each file then skips quietly). */
export default function globalSetup(): void {
  for (const pbx of ['asterisk', 'freeswitch'] as const) {
    const reason = liveUnavailableReason(pbx);
    // eslint-disable-next-line no-console
    if (reason) console.warn(`live suite SKIPPED on ${pbx}: ${reason}`);
  }
}
