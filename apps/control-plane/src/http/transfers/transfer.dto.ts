import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class TransferTargetDto {
  @ApiProperty({ enum: ['agent', 'endpoint', 'external', 'queue', 'ivr'] })
  @IsIn(['agent', 'endpoint', 'external', 'queue', 'ivr'])
  type: 'agent' | 'endpoint' | 'external' | 'queue' | 'ivr';

  @ApiProperty({ description: 'Agent/queue/IVR flow id (uuid), endpoint resource (`1002`) or external number (`+4930123456`).', example: '1002' })
  @IsString()
  @MaxLength(100)
  id: string;
}

export class StartTransferDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  callId: string;

  @ApiProperty({ enum: ['blind', 'attended'] })
  @IsIn(['blind', 'attended'])
  flow: 'blind' | 'attended';

  @ApiProperty({ type: TransferTargetDto })
  @ValidateNested()
  @Type(() => TransferTargetDto)
  target: TransferTargetDto;

  @ApiPropertyOptional({ description: 'Ring time of the target, s (5–120, default 20).' })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(120)
  timeoutS?: number;
}
