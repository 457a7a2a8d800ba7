import type { CallDirection, CallDisposition, CallLegRole, CallStatus } from './domain.types';

/** One call (CDR row). Dates ISO-8601 UTC; `waitS`/`talkS` in s with ms resolution. */
export interface CallView {
  id: string;
  pbxNodeId: string;
  channelId: string;
  direction: CallDirection;
  callerNumber: string;
  callerName: string;
  calledNumber: string;
  calledName: string | null;
  queueId: string | null;
  agentId: string | null;
  ivrFlowId: string | null;
  ivrFlowVersion: number | null;
  status: CallStatus;
  offeredAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitS: number | null;
  talkS: number | null;
  disposition: CallDisposition | null;
  /** Q.850 cause (16 = normal clearing). */
  hangupCause: number | null;
}

export interface CallLegView {
  id: string;
  channelId: string;
  pbxNodeId: string;
  role: CallLegRole;
  endpoint: string | null;
  agentId: string | null;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  hangupCause: number | null;
}

export interface CallEventView {
  id: number;
  at: string;
  /** `offered`, `routed`, `queue.entered`, `queue.offered`, `queue.connected`, `queue.abandoned`, `queue.overflow`, `ivr.node`, `ended`, … */
  type: string;
  data: Record<string, unknown> | null;
}

/** `GET /calls/:id`: the call with its legs (by creation) and events (by time). */
export interface CallDetailView extends CallView {
  legs: CallLegView[];
  events: CallEventView[];
}

/** Query of `GET /calls`. `from`/`to` bound `offeredAt` (ISO-8601, inclusive/exclusive). */
export interface CallsQuery {
  from?: string;
  to?: string;
  queueId?: string;
  agentId?: string;
  disposition?: CallDisposition;
  /** Substring of the caller's number. */
  callerNumber?: string;
  status?: CallStatus;
  /** 1-based; default 1. */
  page?: number;
  /** 1–200; default 50. */
  pageSize?: number;
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  /** Rows matching the filter, over all pages. */
  total: number;
  page: number;
  pageSize: number;
}
