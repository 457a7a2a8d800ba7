import type { CallEventView, CallLegView, CallView } from '@callplane/contracts';
import type { CallEntity, CallEventEntity, CallLegEntity } from '@callplane/persistence';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toCallView(c: CallEntity): CallView {
  return {
    id: c.id,
    pbxNodeId: c.pbxNodeId,
    channelId: c.channelId,
    direction: c.direction,
    callerNumber: c.callerNumber,
    callerName: c.callerName,
    calledNumber: c.calledNumber,
    calledName: c.calledName,
    queueId: c.queueId,
    agentId: c.agentId,
    ivrFlowId: c.ivrFlowId,
    ivrFlowVersion: c.ivrFlowVersion,
    status: c.status,
    offeredAt: c.offeredAt.toISOString(),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    waitS: c.waitS,
    talkS: c.talkS,
    disposition: c.disposition,
    hangupCause: c.hangupCause,
  };
}

export function toCallLegView(l: CallLegEntity): CallLegView {
  return {
    id: l.id,
    channelId: l.channelId,
    pbxNodeId: l.pbxNodeId,
    role: l.role,
    endpoint: l.endpoint,
    agentId: l.agentId,
    createdAt: l.createdAt.toISOString(),
    answeredAt: iso(l.answeredAt),
    endedAt: iso(l.endedAt),
    hangupCause: l.hangupCause,
  };
}

export function toCallEventView(e: CallEventEntity): CallEventView {
  return { id: e.id, at: e.at.toISOString(), type: e.type, data: e.data };
}
