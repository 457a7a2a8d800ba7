import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** SIP resource without technology: `1001`, `alice`, `agent.7` (no `PJSIP/`, no spaces). */
const ENDPOINT = /^[A-Za-z0-9_.+\-]+$/;

export class CreateAgentDto {
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

  @ApiPropertyOptional({ type: [String], example: ['fr', 'billing'] })
  @IsOptional() @IsArray() @ArrayMaxSize(50)
  @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  skills?: string[];
}

export class UpdateAgentDto {
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

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50)
  @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  skills?: string[];
}
