/** Body of every error answer of the REST API. */
export interface ErrorBody {
  statusCode: number;
  /** Stable machine code (`validation-failed`, `not-found`, `unauthenticated`, `forbidden`, `conflict`, …). */
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** With `validation-failed`: each failing field (dotted path, e.g. `connection.ariUrl`) and its messages. */
  fields?: { field: string; errors: string[] }[];
}

/** One PBX link's state in `/health` (mirrors `PbxHealth` of @callplane/pbx, dates as ISO strings). */
export interface PbxHealthView {
  nodeId: string;
  type: 'asterisk' | 'freeswitch';
  status: 'up' | 'connecting' | 'down';
  links: Record<string, 'up' | 'connecting' | 'down' | 'auth-failed'>;
  lastError?: string;
  since: string;
}

/** `GET /health` without admin credentials: the status only (node ids and errors name internal addresses). */
export type PublicHealthView = Pick<HealthView, 'status'>;

/** `GET /health` as an admin: `down` (HTTP 503) when the database fails, `degraded` when a PBX link is not up. */
export interface HealthView {
  status: 'ok' | 'degraded' | 'down';
  db: { status: 'up' | 'down'; error?: string };
  pbx: PbxHealthView[];
  /** Prompts a PBX could not play (a greeting, announcement or IVR prompt it lacks), most recent first. */
  prompts: PromptProblemView[];
}

/** One prompt a PBX node failed to play: the PBX's reason, how often, first and last time (ISO-8601). */
export interface PromptProblemView {
  nodeId: string;
  prompt: string;
  reason: string;
  count: number;
  firstAt: string;
  lastAt: string;
}
