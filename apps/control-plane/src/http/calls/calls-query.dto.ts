import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { CALL_DISPOSITIONS, CALL_STATUSES, type CallDisposition, type CallsQuery, type CallStatus } from '@callplane/contracts';

/** Largest `pageSize` of `GET /calls`. */
export const MAX_PAGE_SIZE = 200;
/** Largest `page` of `GET /calls` (bounded so the offset stays an ordinary integer: `page=1e300` is a 400). */
export const MAX_PAGE = 1_000_000;

export class CallsQueryDto implements CallsQuery {
  @ApiPropertyOptional({ description: 'offeredAt ≥ this (ISO-8601).', example: '2026-11-21T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'offeredAt < this (ISO-8601).' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  queueId?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ enum: CALL_DISPOSITIONS })
  @IsOptional() @IsIn(CALL_DISPOSITIONS)
  disposition?: CallDisposition;

  @ApiPropertyOptional({ description: 'Substring of the caller number.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64)
  callerNumber?: string;

  @ApiPropertyOptional({ enum: CALL_STATUSES })
  @IsOptional() @IsIn(CALL_STATUSES)
  status?: CallStatus;

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
