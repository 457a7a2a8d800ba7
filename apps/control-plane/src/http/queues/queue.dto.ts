import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min,
  ValidateIf, ValidateNested, ValidationOptions, registerDecorator,
} from 'class-validator';
import { OVERFLOW_TARGET_TYPES, QUEUE_STRATEGIES, type OverflowTargetType, type QueueStrategy } from '@callplane/contracts';
import { IsPromptUri } from '../prompt-uri.validator';

/** DTMF keys a queue may bind (leave, callback): one of 0-9, * or #. */
export const QUEUE_DTMF_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;

/** Optional, but not null: the column has no null (a `null` is a 400 naming the field, not a database error). */
const IsOptionalNotNull = (): PropertyDecorator => ValidateIf((_o: object, v: unknown) => v !== undefined);

/** 0 (off), or `min`…`max`. */
function IsZeroOrBetween(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isZeroOrBetween',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be 0 (off) or an integer from ${min} to ${max}`, ...options },
      validator: { validate: (v: unknown) => Number.isInteger(v) && (v === 0 || ((v as number) >= min && (v as number) <= max)) },
    });
}

/** One required skill: the agent needs `skill` at `minProficiency` (1–100) or more. */
export class QueueSkillRequirementDto {
  @ApiProperty({ example: 'french' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  skill: string;

  @ApiProperty({ minimum: 1, maximum: 100, example: 50 })
  @IsInt() @Min(1) @Max(100)
  minProficiency: number;
}

/**
 * Settings shared by create and update (every one optional; defaults are the columns'). Cross-field
 * rules are checked by QueuesService on the merged result: leaveKey ≠ callbackKey; overflow target
 * type and id consistent (queue: an existing other queue; ivr: an existing flow; voicemail: a box;
 * hangup / null: no id).
 */
class QueueSettingsDto {
  @ApiPropertyOptional({ default: 20, description: 'How long one offer rings an agent, s (1–600).' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(600)
  ringTimeoutS?: number;

  @ApiPropertyOptional({ default: 120, description: 'Longest wait before the overflow target / NO_ANSWER, s (1–86400).' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(86_400)
  maxWaitS?: number;

  @ApiPropertyOptional({ default: 10, description: 'Agent wrap-up after a call, s (0–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3600)
  wrapUpS?: number;

  @ApiPropertyOptional({ example: 'sound:queue-greeting', nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  greetingPrompt?: string | null;

  @ApiPropertyOptional({ example: 'sound:queue-no-answer', nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  noAnswerPrompt?: string | null;

  @ApiPropertyOptional({ default: 'default', description: 'Music-on-hold class.' })
  @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(100)
  mohClass?: string;

  @ApiPropertyOptional({ default: 1, description: 'Pause before the next ring round after one nobody answered, s (0–300).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(300)
  retryDelayS?: number;

  @ApiPropertyOptional({ default: 10, description: 'Tier n+1 joins once the caller waited n × this, s (0–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(3600)
  tierWaitS?: number;

  @ApiPropertyOptional({ default: 10, description: 'ring-progressively: one more agent every this many s (1–600).' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(600)
  ringProgressivelyS?: number;

  @ApiPropertyOptional({ type: [QueueSkillRequirementDto], description: 'Every skill is required (at most 20).' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => QueueSkillRequirementDto)
  requiredSkills?: QueueSkillRequirementDto[];

  @ApiPropertyOptional({ type: [String], example: ['+4930123456'], description: 'Caller numbers served first (at most 1000).' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @Matches(/^\+?[0-9*#]{1,32}$/, { each: true, message: 'each of $property must be a phone number (digits, optional leading +)' })
  vipNumbers?: string[];

  @ApiPropertyOptional({ type: [String], description: 'User ids (role supervisor) who may monitor, whisper to and barge into this queue\'s calls (at most 100).' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true })
  supervisorUserIds?: string[];

  @ApiPropertyOptional({ default: 10, description: 'Priority of VIP callers (higher first; others 0), 0–1000.' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(1000)
  vipPriority?: number;

  @ApiPropertyOptional({ example: 'sound:queue-periodic', nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  periodicPrompt?: string | null;

  @ApiPropertyOptional({ default: 0, description: 'Announcement period, s: 0 = off, else 10–3600.' })
  @IsOptionalNotNull() @IsZeroOrBetween(10, 3600)
  announceEveryS?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull() @IsBoolean()
  announcePosition?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull() @IsBoolean()
  announceWaitTime?: boolean;

  @ApiPropertyOptional({ enum: OVERFLOW_TARGET_TYPES, nullable: true, description: 'null / hangup: NO_ANSWER and hang up.' })
  @IsOptional() @IsIn(OVERFLOW_TARGET_TYPES)
  overflowTargetType?: OverflowTargetType | null;

  @ApiPropertyOptional({ nullable: true, description: 'Queue id, IVR flow id, or voicemail box.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  overflowTargetId?: string | null;

  @ApiPropertyOptional({ enum: QUEUE_DTMF_KEYS, nullable: true, description: 'DTMF key to leave for the overflow target.' })
  @IsOptional() @IsIn(QUEUE_DTMF_KEYS)
  leaveKey?: string | null;

  @ApiPropertyOptional({ enum: QUEUE_DTMF_KEYS, nullable: true, description: 'DTMF key to request a callback (≠ leaveKey).' })
  @IsOptional() @IsIn(QUEUE_DTMF_KEYS)
  callbackKey?: string | null;

  @ApiPropertyOptional({ default: 20, description: 'Service level threshold, s (1–3600).' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(3600)
  serviceLevelS?: number;
}

export class CreateQueueDto extends QueueSettingsDto {
  @ApiProperty({ example: 'sales' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ enum: QUEUE_STRATEGIES })
  @IsIn(QUEUE_STRATEGIES)
  strategy: QueueStrategy;
}

export class UpdateQueueDto extends QueueSettingsDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: QUEUE_STRATEGIES })
  @IsOptionalNotNull() @IsIn(QUEUE_STRATEGIES)
  strategy?: QueueStrategy;
}

/** Membership settings: penalty, tier, position. */
class QueueMemberSettingsDto {
  @ApiPropertyOptional({ default: 0, description: 'Within a tier, lower is offered first (0–1000).' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(1000)
  penalty?: number;

  @ApiPropertyOptional({ default: 1, description: 'Tier 1–10: tier n+1 is offered once the caller waited n × tierWaitS.' })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(10)
  tier?: number;

  @ApiPropertyOptional({ default: 0, description: 'Order for top-down / round-robin (ascending), 0–100000.' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100_000)
  position?: number;
}

export class AddQueueMemberDto extends QueueMemberSettingsDto {
  @ApiProperty()
  @IsUUID()
  agentId: string;
}

export class UpdateQueueMemberDto extends QueueMemberSettingsDto {}
