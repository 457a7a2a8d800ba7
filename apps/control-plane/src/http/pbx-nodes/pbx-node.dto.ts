import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { PBX_TYPES } from '@callplane/contracts';
import type { PbxType } from '@callplane/pbx';

/** Asterisk connection (ARI over HTTP/WebSocket + AMI over TCP). */
export class AsteriskConnectionDto {
  @IsOptional() @IsIn(['asterisk'])
  type?: 'asterisk';

  /** e.g. `http://10.0.0.5:8088` (no `/ari` suffix). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ariUrl: string;

  @IsString() @IsNotEmpty() @MaxLength(100)
  ariUsername: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  ariPassword: string;

  /** Stasis application, as in `Stasis(<app>)` of extensions.conf. */
  @IsString() @IsNotEmpty() @MaxLength(100)
  app: string;

  @IsString() @IsNotEmpty() @MaxLength(255)
  amiHost: string;

  @IsInt() @Min(1) @Max(65535)
  amiPort: number;

  @IsString() @IsNotEmpty() @MaxLength(100)
  amiUsername: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  amiSecret: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(16)
  endpointTechnology?: string;
}

/** FreeSWITCH connection (inbound event socket). */
export class FreeswitchConnectionDto {
  @IsOptional() @IsIn(['freeswitch'])
  type?: 'freeswitch';

  @IsString() @IsNotEmpty() @MaxLength(255)
  eslHost: string;

  @IsInt() @Min(1) @Max(65535)
  eslPort: number;

  @IsString() @IsNotEmpty() @MaxLength(200)
  eslPassword: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  sipDomain?: string;

  @IsOptional() @IsInt() @Min(0) @Max(65535)
  outboundPort?: number;
}

const CONNECTION_DOC =
  'asterisk: { ariUrl, ariUsername, ariPassword, app, amiHost, amiPort, amiUsername, amiSecret, endpointTechnology? }; ' +
  'freeswitch: { eslHost, eslPort, eslPassword, sipDomain?, outboundPort? }. Secrets are write-only.';

export class CreatePbxNodeDto {
  @ApiProperty({ example: 'asterisk-1' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name: string;

  @ApiProperty({ enum: PBX_TYPES })
  @IsIn(PBX_TYPES)
  type: PbxType;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, description: CONNECTION_DOC })
  @IsObject()
  connection: Record<string, unknown>;
}

export class UpdatePbxNodeDto {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `Fields to change, merged into the stored connection. ${CONNECTION_DOC}` })
  @IsOptional() @IsObject()
  connection?: Record<string, unknown>;
}
