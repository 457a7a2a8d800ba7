import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { QueueLiveStateView, QueueMemberView, QueueView } from '@callplane/contracts';
import { QueueLiveStateService } from '@callplane/acd';
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
  constructor(
    private readonly queues: QueuesService,
    private readonly live: QueueLiveStateService,
  ) {}

  @Get()
  list(): Promise<QueueView[]> {
    return this.queues.list();
  }

  /** Live state of every queue (waiting, agents by state, today's SL/ASA, stall reason); see QueueLiveStateView. */
  @Get('live')
  liveAll(): Promise<QueueLiveStateView[]> {
    return this.live.snapshots({ fresh: true });
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

  /** Live state of one queue. 404 `queue-not-found` for an unknown id. */
  @Get(':id/live')
  liveOne(@UuidParam() id: string): Promise<QueueLiveStateView> {
    return this.live.snapshot(id, { fresh: true });
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
    return this.queues.updateMember(id, agentId, dto);
  }

  @Delete(':id/members/:agentId')
  @HttpCode(204)
  removeMember(@UuidParam() id: string, @UuidParam('agentId') agentId: string): Promise<void> {
    return this.queues.removeMember(id, agentId);
  }
}
