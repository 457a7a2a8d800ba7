import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AgentStateLogEntryView, AgentStateView, AgentView, Principal } from '@callplane/contracts';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { AgentStateLogQueryDto, CreateAgentDto, SetAgentStateDto, UpdateAgentDto } from './agent.dto';
import { AgentsService } from './agents.service';

@ApiTags('agents')
@ApiAuthed()
@Roles('supervisor')
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  list(): Promise<AgentView[]> {
    return this.agents.list();
  }

  @Get(':id')
  get(@UuidParam() id: string): Promise<AgentView> {
    return this.agents.get(id);
  }

  @Put(':id/state')
  @Roles('agent')
  @ApiOperation({
    summary:
      'Set the agent’s state { state, reason? } (agents: their own; supervisors/admins: any). 409 agent-state-illegal with details.state = the current state when the state table forbids it (e.g. wrap-up → ringing, or on-call by API); 400 for an unknown reason (reason only with away; default break).',
  })
  setState(@UuidParam() id: string, @Body() dto: SetAgentStateDto, @CurrentPrincipal() principal: Principal): Promise<AgentStateView> {
    return this.agents.setState(id, dto, principal);
  }

  @Get(':id/state-log')
  @Roles('agent')
  @ApiOperation({ summary: 'The agent’s state transitions, newest first (from/to ISO-8601 inclusive, limit 1–1000, default 100). Agents: their own only.' })
  stateLog(@UuidParam() id: string, @Query() query: AgentStateLogQueryDto, @CurrentPrincipal() principal: Principal): Promise<AgentStateLogEntryView[]> {
    return this.agents.stateLogOf(id, query, principal);
  }

  @Post()
  create(@Body() dto: CreateAgentDto): Promise<AgentView> {
    return this.agents.create(dto);
  }

  @Patch(':id')
  update(@UuidParam() id: string, @Body() dto: UpdateAgentDto): Promise<AgentView> {
    return this.agents.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.agents.remove(id);
  }
}
