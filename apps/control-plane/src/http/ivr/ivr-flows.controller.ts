import { Body, Controller, Delete, Get, Header, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@callplane/core';
import { IvrFlowRecord, IvrFlowsService, IvrFlowVersionInfo, ivrFlowToYaml } from '@callplane/ivr';
import { Roles } from '../../auth/auth.decorators';
import { OPENAPI_API_KEY, OPENAPI_BEARER } from '../setup-http-app';
import { UuidParam } from '../uuid-param';
import { AcceptsYaml } from '../body/request-body';
import { ivrYamlBody } from './ivr-yaml-body';
import { IvrFlowReferences } from './ivr-flow-references';
import { CreateIvrFlowDto, IvrFlowView, IvrPublishView, IvrSimulationView, IvrValidationView, SimulateIvrFlowDto, UpdateIvrFlowDto, ValidateIvrFlowDto } from './ivr-flow.dto';

function toView(f: IvrFlowRecord & { versions?: IvrFlowVersionInfo[] }): IvrFlowView {
  return {
    id: f.id,
    name: f.name,
    draft: f.draft,
    publishedVersion: f.publishedVersion ?? null,
    ...(f.versions ? { versions: f.versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString() })) } : {}),
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

/**
 * IVR flows: drafts (JSON body `{ name, definition }`, where `definition` is an object or
 * YAML/JSON text, or a raw YAML document with `Content-Type: application/yaml`), validate,
 * publish, simulate. Invalid flows answer 400 `ivr-flow-invalid` with `details.errors`
 * naming node id and field. Supervisors and admins only.
 */
@ApiTags('ivr')
@ApiBearerAuth(OPENAPI_BEARER)
@ApiSecurity(OPENAPI_API_KEY)
@Roles('supervisor')
@AcceptsYaml(ivrYamlBody)
@Controller('ivr/flows')
export class IvrFlowsController {
  constructor(private readonly flows: IvrFlowsService, private readonly references: IvrFlowReferences) {}

  @Get()
  async list(): Promise<IvrFlowView[]> {
    return (await this.flows.list()).map(toView);
  }

  @Get(':id')
  async get(@UuidParam() id: string): Promise<IvrFlowView> {
    return toView(await this.flows.get(id));
  }

  @Get(':id/yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOperation({ summary: 'The draft as a YAML document (name included), ready to edit and PATCH/POST back' })
  async yaml(@UuidParam() id: string): Promise<string> {
    const flow = await this.flows.get(id);
    return ivrFlowToYaml({ ...flow.draft, name: flow.name });
  }

  @Post()
  @ApiConsumes('application/json', 'application/yaml')
  @ApiOperation({ summary: 'Create a flow draft (validated; 400 names node and field)' })
  async create(@Body() dto: CreateIvrFlowDto): Promise<IvrFlowView> {
    return toView(await this.flows.create(dto.name, dto.definition));
  }

  @Patch(':id')
  @ApiConsumes('application/json', 'application/yaml')
  async update(@UuidParam() id: string, @Body() dto: UpdateIvrFlowDto): Promise<IvrFlowView> {
    return toView(await this.flows.update(id, { name: dto.name, definition: dto.definition }));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.flows.delete(id);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish the draft as the next version; calls in progress keep theirs. 409 ivr-queue-missing when a queue node names a queue that does not exist.' })
  async publish(@UuidParam() id: string): Promise<IvrPublishView> {
    await this.references.assertResolvable((await this.flows.get(id)).draft);
    const v = await this.flows.publish(id);
    return { flowId: v.flowId, version: v.version, warnings: v.warnings };
  }

  @Post(':id/validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Errors and warnings of the draft (or of a given definition); warns per node, prompt and PBX node when a sound is missing on a PBX' })
  validate(@UuidParam() id: string, @Body() dto: ValidateIvrFlowDto): Promise<IvrValidationView> {
    return this.flows.validate(id, dto.definition);
  }

  @Post(':id/simulate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Walk the draft without a PBX with given digits, variables, time' })
  simulate(@UuidParam() id: string, @Body() dto: SimulateIvrFlowDto): Promise<IvrSimulationView> {
    const at = dto.at === undefined ? undefined : new Date(dto.at);
    if (at && Number.isNaN(at.getTime())) throw new ValidationError('at', 'must be an ISO 8601 time');
    return this.flows.simulate(id, { digits: dto.digits, variables: dto.variables, at, callerNumber: dto.callerNumber, calledNumber: dto.calledNumber, version: dto.version });
  }
}
