import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity, CallEntity, CallEventEntity, CallLegEntity, InboundRouteEntity, IvrFlowEntity, QueueEntity, TransferEntity } from '@callplane/persistence';
import { CallEventsBus } from './call-events.bus';
import { CallLifecycleService } from './call-lifecycle.service';
import { CallRecordsService } from './call-records.service';
import { CallResyncService } from './call-resync.service';
import { CallTargetRegistry } from './call-target.registry';
import { InboundCallService } from './inbound-call.service';
import { LiveCallRegistry } from './live-call.registry';
import { PromptPlayer } from './prompt-player.service';
import { BridgedCalls } from './control/bridged-calls';
import { TransferResolver } from './transfers/transfer-resolver';
import { TransfersService } from './transfers/transfers.service';
import { SupervisionService } from './supervision/supervision.service';

/**
 * The call engine: inbound routing, call records, live calls, resync/adoption, the call domain
 * event bus. The host app must provide (globally): `TypeOrmModule.forRoot(...)` with the
 * @callplane/persistence entities, and `PbxDrivers` (by class). Call target handlers (ACD,
 * IVR) are discovered: any provider extending `CallTargetHandler`, or provided under
 * `CALL_TARGET_HANDLERS`.
 */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([CallEntity, CallLegEntity, CallEventEntity, InboundRouteEntity, TransferEntity, QueueEntity, IvrFlowEntity, AgentEntity])],
  providers: [CallEventsBus, LiveCallRegistry, CallRecordsService, CallLifecycleService, CallTargetRegistry, PromptPlayer, CallResyncService, InboundCallService, BridgedCalls, TransferResolver, TransfersService, SupervisionService],
  exports: [CallEventsBus, LiveCallRegistry, CallRecordsService, CallLifecycleService, CallTargetRegistry, PromptPlayer, InboundCallService, BridgedCalls, TransfersService, SupervisionService],
})
export class CallsModule {}
