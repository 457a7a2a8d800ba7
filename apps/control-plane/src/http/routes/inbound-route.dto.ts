import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ROUTE_TARGET_TYPES, type RouteTargetType } from '@callplane/contracts';

/** What PBXes report as the dialled number: digits, `+`, `*`, `#`, or a named extension (`s`, `sales`). */
const DID = /^[A-Za-z0-9+*#_.\-]+$/;

export class CreateInboundRouteDto {
  @ApiProperty({ example: '+4930123456', description: 'Dialled number (Asterisk dialplan exten / FreeSWITCH destination number).' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  @Matches(DID, { message: 'did must be a dialled number such as +4930123456 or 100' })
  did: string;

  @ApiPropertyOptional({ nullable: true, description: 'Only calls from this PBX node; null/absent = any node.' })
  @IsOptional() @IsUUID()
  pbxNodeId?: string | null;

  @ApiProperty({ enum: ROUTE_TARGET_TYPES })
  @IsIn(ROUTE_TARGET_TYPES)
  targetType: RouteTargetType;

  @ApiProperty({ description: 'Queue id or IVR flow id.' })
  @IsUUID()
  targetId: string;
}

export class UpdateInboundRouteDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64)
  @Matches(DID, { message: 'did must be a dialled number such as +4930123456 or 100' })
  did?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional() @IsUUID()
  pbxNodeId?: string | null;

  @ApiPropertyOptional({ enum: ROUTE_TARGET_TYPES })
  @IsOptional() @IsIn(ROUTE_TARGET_TYPES)
  targetType?: RouteTargetType;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  targetId?: string;
}
