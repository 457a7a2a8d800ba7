import type { SnoopOptions } from '@callplane/pbx';
import type { SupervisionMode } from '@callplane/contracts';

export type { SupervisionMode, SupervisionState, SupervisionView } from '@callplane/contracts';

/**
 * Snoop directions of each supervision mode, on the agent's leg. Directions are ARI's, seen from
 * the snooped channel (Asterisk res/stasis/stasis_app_snoop.c: `out` → AST_AUDIOHOOK_DIRECTION_WRITE,
 * the audio the agent's phone plays; `in` → DIRECTION_READ, what the agent says): the supervisor
 * always hears both sides; `whisper` talks into `out` only (the agent hears, the customer does not);
 * `barge` into both. FreeSWITCH: the driver maps these to `eavesdrop` with
 * `eavesdrop_whisper_aleg` (agent hears) / `eavesdrop_whisper_bleg` (customer hears).
 */
export const SNOOP_OF_MODE: Readonly<Record<SupervisionMode, Pick<SnoopOptions, 'spy' | 'whisper'>>> = {
  monitor: { spy: 'both', whisper: 'none' },
  whisper: { spy: 'both', whisper: 'out' },
  barge: { spy: 'both', whisper: 'both' },
};

/** Who asks for a supervision (from the JWT / API key). */
export interface SupervisionRequester {
  /** User id; null for API keys (they cannot be scoped to queues: admin keys only). */
  userId: string | null;
  role: string;
}

export interface StartSupervisionRequest {
  callId: string;
  mode: SupervisionMode;
  /** Phone to ring for the supervisor (SIP endpoint); default: the endpoint of the user's agent profile. */
  endpoint?: string;
  /** Ring time of the supervisor's phone, s (default 30). */
  timeoutS?: number;
  by: SupervisionRequester;
}
