import type { AgentState, QueueStrategy, RouteTargetType } from './domain.types';
import type { PbxHealthView } from './http.views';

/**
 * PBX node as the API shows it. `connection` is the node's connection config WITHOUT its
 * secrets (`ariPassword`, `amiSecret`, `eslPassword` are never returned).
 */
export interface PbxNodeView {
  id: string;
  name: string;
  type: 'asterisk' | 'freeswitch';
  enabled: boolean;
  connection: Record<string, string | number | undefined>;
  /** Live link state of its driver; null when no driver runs (disabled, or failed to start). */
  health: PbxHealthView | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentView {
  id: string;
  userId: string | null;
  name: string;
  /** SIP resource, e.g. `1001`. */
  endpoint: string;
  pbxNodeId: string | null;
  state: AgentState;
  stateChangedAt: string;
  skills: string[];
  lastCallEndedAt: string | null;
  createdAt: string;
}

export interface QueueView {
  id: string;
  name: string;
  strategy: QueueStrategy;
  /** s */
  ringTimeoutS: number;
  /** s */
  maxWaitS: number;
  /** s */
  wrapUpS: number;
  greetingPrompt: string | null;
  noAnswerPrompt: string | null;
  mohClass: string;
  createdAt: string;
  updatedAt: string;
}

export interface QueueMemberView {
  id: string;
  queueId: string;
  agentId: string;
  penalty: number;
}

export interface InboundRouteView {
  id: string;
  did: string;
  pbxNodeId: string | null;
  targetType: RouteTargetType;
  targetId: string;
  createdAt: string;
}

