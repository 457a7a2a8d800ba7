import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { QUEUE_STRATEGIES, type QueueStrategy } from '@callplane/contracts';
import { IsPromptUri } from '../prompt-uri.validator';

export class CreateQueueDto {
  @ApiProperty({ example: 'sales' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ enum: QUEUE_STRATEGIES })
  @IsIn(QUEUE_STRATEGIES)
  strategy: QueueStrategy;

  @ApiPropertyOptional({ default: 20, description: 'How long one agent leg rings, s.' })
  @IsOptional() @IsInt() @Min(1) @Max(600)
  ringTimeoutS?: number;

  @ApiPropertyOptional({ default: 120, description: 'Longest wait before NO_ANSWER, s.' })
  @IsOptional() @IsInt() @Min(1) @Max(86_400)
  maxWaitS?: number;

  @ApiPropertyOptional({ default: 10, description: 'Agent wrap-up after a call, s.' })
  @IsOptional() @IsInt() @Min(0) @Max(3600)
  wrapUpS?: number;

  @ApiPropertyOptional({ example: 'sound:queue-greeting', nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  greetingPrompt?: string | null;

  @ApiPropertyOptional({ example: 'sound:queue-no-answer', nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  noAnswerPrompt?: string | null;

  @ApiPropertyOptional({ default: 'default', description: 'Music-on-hold class.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  mohClass?: string;
}

export class UpdateQueueDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: QUEUE_STRATEGIES })
  @IsOptional() @IsIn(QUEUE_STRATEGIES)
  strategy?: QueueStrategy;

  @ApiPropertyOptional()
  @IsOptional() @IsInt() @Min(1) @Max(600)
  ringTimeoutS?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsInt() @Min(1) @Max(86_400)
  maxWaitS?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsInt() @Min(0) @Max(3600)
  wrapUpS?: number;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  greetingPrompt?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsPromptUri() @MaxLength(255)
  noAnswerPrompt?: string | null;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  mohClass?: string;
}

export class AddQueueMemberDto {
  @ApiProperty()
  @IsUUID()
  agentId: string;

  @ApiPropertyOptional({ default: 0, description: 'Lower is offered first.' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  penalty?: number;
}

export class UpdateQueueMemberDto {
  @ApiProperty()
  @IsInt() @Min(0) @Max(1000)
  penalty: number;
}
