import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity, CallEntity, QueueCallbackEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { CallsModule } from '@callplane/calls';
import { AcdService } from './acd.service';
import { AgentStateService } from './agent-state.service';
import { QueueDirectory } from './queue-directory';
import { RingRounds } from './ring-rounds';
import { AgentReachability } from './agent-reachability';
import { HoldingBridges } from './holding-bridges';
import { QueueAnnouncer } from './queue-announcer';
import { QueueCallbacks } from './queue-callbacks';
import { QueueEvents } from './queue-events';
import { WaitEstimator } from './wait-estimator';
import { QueueLiveStateService } from './live/queue-live-state.service';

/**
 * ACD queues: `AcdService` (the `queue` call target, discovered by CallsModule) and
 * `AgentStateService`. Imports CallsModule; the host app must provide (globally)
 * `TypeOrmModule.forRoot(...)` with the @callplane/persistence entities and `PbxDrivers`.
 */
@Module({
  imports: [CallsModule, TypeOrmModule.forFeature([AgentEntity, CallEntity, QueueEntity, QueueMemberEntity, QueueCallbackEntity])],
  providers: [QueueDirectory, AgentStateService, AgentReachability, RingRounds, QueueLiveStateService, HoldingBridges, QueueEvents, WaitEstimator, QueueAnnouncer, QueueCallbacks, AcdService],
  exports: [AgentStateService, AcdService, RingRounds, AgentReachability, QueueLiveStateService],
})
export class AcdModule {}
