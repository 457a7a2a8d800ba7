import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { QueueMemberView, QueueView } from '@callplane/contracts';
import { Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { AddQueueMemberDto, CreateQueueDto, UpdateQueueDto, UpdateQueueMemberDto } from './queue.dto';
import { QueuesService } from './queues.service';

@ApiTags('queues')
@ApiAuthed()
@Roles('supervisor')
@Controller('queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  list(): Promise<QueueView[]> {
    return this.queues.list();
  }

  @Get(':id')
  get(@UuidParam() id: string): Promise<QueueView> {
    return this.queues.get(id);
  }

  @Post()
  create(@Body() dto: CreateQueueDto): Promise<QueueView> {
    return this.queues.create(dto);
  }

  @Patch(':id')
  update(@UuidParam() id: string, @Body() dto: UpdateQueueDto): Promise<QueueView> {
    return this.queues.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.queues.remove(id);
  }

  @Get(':id/members')
  members(@UuidParam() id: string): Promise<QueueMemberView[]> {
    return this.queues.listMembers(id);
  }

  @Post(':id/members')
  addMember(@UuidParam() id: string, @Body() dto: AddQueueMemberDto): Promise<QueueMemberView> {
    return this.queues.addMember(id, dto);
  }

  @Patch(':id/members/:agentId')
  updateMember(@UuidParam() id: string, @UuidParam('agentId') agentId: string, @Body() dto: UpdateQueueMemberDto): Promise<QueueMemberView> {
    return this.queues.updateMember(id, agentId, dto.penalty);
  }

  @Delete(':id/members/:agentId')
  @HttpCode(204)
  removeMember(@UuidParam() id: string, @UuidParam('agentId') agentId: string): Promise<void> {
    return this.queues.removeMember(id, agentId);
  }
}
