import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { CallsModule } from '@callplane/calls';
import { AcdService } from './acd.service';
import { AgentStateService } from './agent-state.service';
import { QueueDirectory } from './queue-directory';
import { RingRounds } from './ring-rounds';
import { AgentReachability } from './agent-reachability';
import { HoldingBridges } from './holding-bridges';

/**
 * ACD queues: `AcdService` (the `queue` call target, discovered by CallsModule) and
 * `AgentStateService`. Imports CallsModule; the host app must provide (globally)
 * `TypeOrmModule.forRoot(...)` with the @callplane/persistence entities and `PbxDrivers`.
 */
@Module({
  imports: [CallsModule, TypeOrmModule.forFeature([AgentEntity, QueueEntity, QueueMemberEntity])],
  providers: [QueueDirectory, AgentStateService, AgentReachability, RingRounds, HoldingBridges, AcdService],
  exports: [AgentStateService, AcdService, RingRounds, AgentReachability],
})
export class AcdModule {}
