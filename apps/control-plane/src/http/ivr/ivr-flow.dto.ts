import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsISO8601, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, Min, ValidateBy, ValidationOptions } from 'class-validator';
import type { IvrFlowDefinition, IvrFlowIssue, IvrSimulatedAction } from '@callplane/ivr';

/** A flow definition: the object form, or its YAML/JSON text. */
function IsFlowDefinition(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isFlowDefinition', validator: { validate: (v: unknown) => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)), defaultMessage: () => 'definition must be a flow object or its YAML/JSON text' } },
    options,
  );
}

/** A string of keys, or a list of inputs (each a string of keys; '' = silence). */
function IsDigitInput(options?: ValidationOptions): PropertyDecorator {
  const keys = (s: unknown) => typeof s === 'string' && /^[0-9*#A-D]*$/.test(s);
  return ValidateBy(
    { name: 'isDigitInput', validator: { validate: (v: unknown) => keys(v) || (Array.isArray(v) && v.every(keys)), defaultMessage: () => 'digits must be a string of DTMF keys (0-9, *, #) or a list of such strings' } },
    options,
  );
}

/** Values must all be strings. */
function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isStringRecord', validator: { validate: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'), defaultMessage: () => 'variables must be an object of string values' } },
    options,
  );
}

const NAME = /^\S.{0,99}$/;

export class CreateIvrFlowDto {
  @ApiProperty({ example: 'main-menu', maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100) @Matches(NAME, { message: 'name must not start with a space' })
  name: string;

  @ApiProperty({ description: 'The flow: `{ start?, nodes: [...] }`, or the same as YAML/JSON text. See README "IVR flows".', oneOf: [{ type: 'object' }, { type: 'string' }] })
  @IsDefined() @IsFlowDefinition()
  definition: IvrFlowDefinition | string;
}

export class UpdateIvrFlowDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) @Matches(NAME, { message: 'name must not start with a space' })
  name?: string;

  @ApiPropertyOptional({ description: 'New draft (object or YAML/JSON text).', oneOf: [{ type: 'object' }, { type: 'string' }] })
  @IsOptional() @IsFlowDefinition()
  definition?: IvrFlowDefinition | string;
}

export class ValidateIvrFlowDto {
  @ApiPropertyOptional({ description: 'Validate this definition instead of the stored draft.', oneOf: [{ type: 'object' }, { type: 'string' }] })
  @IsOptional() @IsFlowDefinition()
  definition?: IvrFlowDefinition | string;
}

export class SimulateIvrFlowDto {
  @ApiPropertyOptional({ description: 'Keys the caller presses: "21" (continuous), or ["9", "", "1"] = one entry per input, "" = silence (timeout).', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @IsOptional() @IsDigitInput()
  digits?: string | string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional() @IsObject() @IsStringRecord()
  variables?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Simulated call time (ISO 8601) for time-of-day / business-hours branches.', example: '2026-11-23T09:30:00+01:00' })
  @IsOptional() @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ example: '+4930123456' })
  @IsOptional() @IsString() @MaxLength(64)
  callerNumber?: string;

  @ApiPropertyOptional({ example: '7000' })
  @IsOptional() @IsString() @MaxLength(64)
  calledNumber?: string;

  @ApiPropertyOptional({ description: 'Simulate a published version instead of the draft.' })
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

/** A flow as the API shows it. */
export interface IvrFlowView {
  id: string;
  name: string;
  draft: IvrFlowDefinition;
  publishedVersion: number | null;
  versions?: { version: number; publishedAt: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface IvrValidationView {
  valid: boolean;
  errors: IvrFlowIssue[];
  warnings: IvrFlowIssue[];
}

export interface IvrPublishView {
  flowId: string;
  version: number;
  /** Prompt checks against the PBX nodes: `{ nodeId, field, prompt, pbxNode, message }`, or `{ pbxNode, message }` when a node could not be checked. */
  warnings: IvrFlowIssue[];
}

export interface IvrSimulationView {
  path: { nodeId: string; type: string; result: string; digits: string }[];
  ended: { reason: string; nodeId: string; result?: string };
  actions: IvrSimulatedAction[];
  variables: Record<string, string>;
}
