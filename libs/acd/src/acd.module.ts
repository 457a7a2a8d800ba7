import { AcdTransferAgents } from './acd-transfer-agents';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity, AgentStateLogEntity, CallEntity, CallEventEntity, QueueCallbackEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { CallsModule } from '@callplane/calls';
import { AcdService } from './acd.service';
import { AgentStateService } from './agent-state.service';
import { AgentStateLogWriter } from './agent-state-log.writer';
import { AgentActivity } from './agent-activity';
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
 * `AgentStateService` (with its state log, `AgentStateLogWriter`, and `AgentActivity`: agents on
 * calls the ACD did not offer). `ACD_AWAY_REASONS` is read from APP_CONFIG when provided.
 * Imports CallsModule; the host app must provide (globally)
 * `TypeOrmModule.forRoot(...)` with the @callplane/persistence entities and `PbxDrivers`.
 */
@Module({
  imports: [CallsModule, TypeOrmModule.forFeature([AgentEntity, AgentStateLogEntity, CallEntity, CallEventEntity, QueueEntity, QueueMemberEntity, QueueCallbackEntity])],
  providers: [QueueDirectory, AgentStateLogWriter, AgentStateService, AgentActivity, AgentReachability, RingRounds, QueueLiveStateService, HoldingBridges, QueueEvents, WaitEstimator, QueueAnnouncer, QueueCallbacks, AcdService, AcdTransferAgents],
  exports: [AgentStateService, AgentStateLogWriter, AgentActivity, AcdService, RingRounds, AgentReachability, QueueLiveStateService],
})
export class AcdModule {}
