/**
 * Q.850 cause values used across callplane (ITU-T Q.850 Table 1; FreeSWITCH's names from
 * `switch_types.h` `switch_call_cause_t`, which uses the Q.850 numbers for these).
 */
export const Q850 = {
  UNALLOCATED_NUMBER: 1,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  REQUESTED_CHAN_UNAVAIL: 44,
  BEARERCAPABILITY_NOTAVAIL: 58,
  INCOMPATIBLE_DESTINATION: 88,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
  /** FreeSWITCH-only names that map onto Q.850 values (switch_types.h). */
  ORIGINATOR_CANCEL: 487,
} as const;

const FREESWITCH_CAUSES: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  REQUESTED_CHAN_UNAVAIL: 44,
  BEARERCAPABILITY_NOTAVAIL: 58,
  SERVICE_UNAVAILABLE: 63,
  INCOMPATIBLE_DESTINATION: 88,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
  // FreeSWITCH-specific causes (switch_types.h, values ≥ 500 are not Q.850): mapped to the
  // nearest Q.850 meaning so everything above the port sees one cause space.
  ORIGINATOR_CANCEL: 16,
  LOSE_RACE: 16,
  PICKED_OFF: 16,
  MANAGER_REQUEST: 16,
  ALLOTTED_TIMEOUT: 19,
  USER_NOT_REGISTERED: 20,
  PROGRESS_TIMEOUT: 19,
  MEDIA_TIMEOUT: 41,
  GATEWAY_DOWN: 27,
  NO_PICKUP: 19,
};

/** Human text for a Q.850 cause (Asterisk's `ast_cause2str` wording where it exists). */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format (addr incomplete)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  44: 'Requested channel not available',
  58: 'Bearer capability not available',
  63: 'Service or option not available',
  88: 'Incompatible destination',
  102: 'Recovery on timer expiry',
  127: 'Interworking, unspecified',
};

/** Maps a FreeSWITCH hangup cause name (`Hangup-Cause`, `-ERR USER_BUSY`) to its Q.850 number; unknown → 31. */
export function q850FromFreeswitch(name: string): number {
  return FREESWITCH_CAUSES[name.trim().toUpperCase()] ?? Q850.NORMAL_UNSPECIFIED;
}

/** Maps a Q.850 number to the FreeSWITCH cause name used in `uuid_kill <uuid> <CAUSE>`; unknown → NORMAL_CLEARING. */
export function freeswitchCauseName(cause: number): string {
  for (const [name, value] of Object.entries(FREESWITCH_CAUSES)) if (value === cause) return name;
  return 'NORMAL_CLEARING';
}

/** Text for a Q.850 cause number, as Asterisk's `ast_cause2str` words it (main/causes.c); `Unknown` otherwise. */
export function q850Text(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}
