import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, ValidationOptions, registerDecorator,
} from 'class-validator';
import { AGENT_STATES, type AgentState } from '@callplane/contracts';
import { AGENT_STATE_LOG_MAX_LIMIT } from '@callplane/acd';

/** SIP resource without technology: `1001`, `alice`, `agent.7` (no `PJSIP/`, no spaces). */
const ENDPOINT = /^[A-Za-z0-9_.+\-]+$/;
/** A skill name: letters, digits, `_ . -`, 1–64 characters. */
const SKILL = /^[A-Za-z0-9_.\-]{1,64}$/;
/** Most skills one agent may have. */
export const MAX_AGENT_SKILLS = 50;

/** Optional, but not null: the column has no null (a `null` is a 400 naming the field, not a database error). */
const IsOptionalNotNull = (): PropertyDecorator => ValidateIf((_o: object, v: unknown) => v !== undefined);

/** `{ [skill]: proficiency }`: at most {@link MAX_AGENT_SKILLS} skills, names per {@link SKILL}, proficiency an integer 1–100. */
function IsSkillMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSkillMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be an object { skill: proficiency } with at most ${MAX_AGENT_SKILLS} skills (names: letters, digits, _ . -, up to 64) and proficiencies 1–100`,
        ...options,
      },
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
          const entries = Object.entries(v);
          return entries.length <= MAX_AGENT_SKILLS && entries.every(([k, p]) => SKILL.test(k) && Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 100);
        },
      },
    });
}

/** Settings shared by create and update (each optional; defaults are the columns'). */
class AgentSettingsDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 100 }, example: { french: 80, billing: 40 }, description: 'Skill → proficiency 1–100 (at most 50).' })
  @IsOptionalNotNull() @IsSkillMap()
  skills?: Record<string, number>;

  @ApiPropertyOptional({ nullable: true, description: 'Wrap-up after a queue call, s (0–3600); null = the queue’s.' })
  @IsOptional() @IsInt() @Min(0) @Max(3600)
  wrapUpS?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'How long an offer rings this agent, s (1–600); null = the queue’s.' })
  @IsOptional() @IsInt() @Min(1) @Max(600)
  ringTimeoutS?: number | null;

  @ApiPropertyOptional({ default: 3, description: 'Missed offers in a row that set the agent away (reason no-answer), 0–100; 0 = never.' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100)
  maxNoAnswer?: number;

  @ApiPropertyOptional({ default: 5, description: 'Pause before the next offer after one rang out, s (0–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3600)
  noAnswerDelayS?: number;

  @ApiPropertyOptional({ default: 5, description: 'Pause before the next offer after a rejected one (SIP 603), s (0–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3600)
  rejectDelayS?: number;

  @ApiPropertyOptional({ default: 5, description: 'Pause before the next offer after the phone was busy (SIP 486), s (0–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3600)
  busyDelayS?: number;
}

export class CreateAgentDto extends AgentSettingsDto {
  @ApiProperty({ example: 'Alice' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ example: '1001', description: 'SIP endpoint (resource) the agent phone registers as.' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  @Matches(ENDPOINT, { message: 'endpoint must be a SIP resource like 1001 (letters, digits, _ . + -; no technology prefix)' })
  endpoint: string;

  @ApiPropertyOptional({ description: 'User who logs in as this agent.' })
  @IsOptional() @IsUUID()
  userId?: string | null;

  @ApiPropertyOptional({ description: 'PBX node the endpoint registers on; null = any.' })
  @IsOptional() @IsUUID()
  pbxNodeId?: string | null;
}

export class UpdateAgentDto extends AgentSettingsDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  @Matches(ENDPOINT, { message: 'endpoint must be a SIP resource like 1001 (letters, digits, _ . + -; no technology prefix)' })
  endpoint?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsUUID()
  userId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsUUID()
  pbxNodeId?: string | null;
}

/**
 * `PUT /agents/:id/state`. Any agent state passes validation; the state table answers 409 for
 * what may not be set now (e.g. `wrap-up` → `ringing`, or `on-call` by API at all).
 */
export class SetAgentStateDto {
  @ApiProperty({ enum: AGENT_STATES, example: 'away' })
  @IsIn(AGENT_STATES)
  state: AgentState;

  @ApiPropertyOptional({ example: 'lunch', description: 'With away only: break (default), lunch, training, meeting, or an ACD_AWAY_REASONS code.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(32)
  reason?: string;
}

/** Default `limit` of `GET /agents/:id/state-log`. */
export const DEFAULT_STATE_LOG_LIMIT = 100;

/** `GET /agents/:id/state-log?from=&to=&limit=`: newest first. */
export class AgentStateLogQueryDto {
  @ApiPropertyOptional({ description: 'Transitions at or after this (ISO-8601).', example: '2026-11-21T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Transitions at or before this (ISO-8601); not before `from`.' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ default: DEFAULT_STATE_LOG_LIMIT, minimum: 1, maximum: AGENT_STATE_LOG_MAX_LIMIT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(AGENT_STATE_LOG_MAX_LIMIT)
  limit?: number;
}
