import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { SUPERVISION_MODES, type SupervisionMode } from '@callplane/contracts';

export class StartSupervisionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  callId: string;

  @ApiProperty({ enum: SUPERVISION_MODES, description: 'monitor (silent), whisper (only the agent hears you), barge (both hear you).' })
  @IsIn(SUPERVISION_MODES)
  mode: SupervisionMode;

  @ApiPropertyOptional({ example: '1009', description: 'SIP endpoint to ring for you; default: the endpoint of your agent profile.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.+-]{1,64}$/, { message: 'endpoint must be a SIP endpoint like 1009 (letters, digits, _ . + -, at most 64)' })
  endpoint?: string;

  @ApiPropertyOptional({ description: 'Ring time of your phone, s (5–120, default 30).' })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(120)
  timeoutS?: number;
}

export class SupervisionModeDto {
  @ApiProperty({ enum: SUPERVISION_MODES })
  @IsIn(SUPERVISION_MODES)
  mode: SupervisionMode;
}
