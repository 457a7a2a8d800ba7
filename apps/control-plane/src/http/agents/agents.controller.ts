import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AgentView } from '@callplane/contracts';
import { Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { CreateAgentDto, UpdateAgentDto } from './agent.dto';
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
