import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  AgentEntity, ApiKeyEntity, CallEntity, CallEventEntity, CallLegEntity, InboundRouteEntity, IvrFlowEntity,
  PbxNodeEntity, QueueEntity, QueueMemberEntity, UserEntity,
} from '@callplane/persistence';
import { AcdModule } from '@callplane/acd';
import { CallsModule } from '@callplane/calls';
import { AuthModule } from '../auth/auth.module';
import { ApiKeysController, AuthController } from './auth/auth.controller';
import { UsersController } from './users/users.controller';
import { PbxNodesController } from './pbx-nodes/pbx-nodes.controller';
import { PbxNodesService } from './pbx-nodes/pbx-nodes.service';
import { AgentsController } from './agents/agents.controller';
import { AgentsService } from './agents/agents.service';
import { QueuesController } from './queues/queues.controller';
import { QueuesService } from './queues/queues.service';
import { InboundRoutesController } from './routes/inbound-routes.controller';
import { InboundRoutesService } from './routes/inbound-routes.service';
import { CallsController } from './calls/calls.controller';
import { CallsQueryService } from './calls/calls-query.service';
import { HealthController } from './health/health.controller';
import { TransfersController } from './transfers/transfers.controller';
import { SupervisionController } from './supervision/supervision.controller';
import { HealthService } from './health/health.service';

/**
 * The REST API (controllers + their services): auth, API keys, users, PBX nodes, agents, queues
 * and members, inbound routes, calls, health. Call {@link setupHttpApp} on the app as well.
 *
 * Expects from the host module:
 * - `PersistenceModule.forRoot(config)` (global TypeORM DataSource, migrated);
 * - a provider of `PbxDrivers` (by class, from @callplane/pbx), reachable globally;
 * - the `APP_CONFIG` provider (@callplane/core), global;
 * - AuthModule (imported here too; Nest keeps one instance) — its global guard protects every route;
 * - AcdModule is imported for the queues' live state (`GET /queues/live`; one instance with the app's).
 */
@Module({
  imports: [
    AuthModule,
    AcdModule,
    CallsModule,
    TypeOrmModule.forFeature([
      AgentEntity, ApiKeyEntity, CallEntity, CallEventEntity, CallLegEntity, InboundRouteEntity, IvrFlowEntity,
      PbxNodeEntity, QueueEntity, QueueMemberEntity, UserEntity,
    ]),
  ],
  controllers: [
    AuthController, ApiKeysController, UsersController, PbxNodesController, AgentsController, QueuesController,
    InboundRoutesController, CallsController, HealthController, TransfersController, SupervisionController,
  ],
  providers: [PbxNodesService, AgentsService, QueuesService, InboundRoutesService, CallsQueryService, HealthService],
  exports: [PbxNodesService, AgentsService, QueuesService, InboundRoutesService, CallsQueryService, HealthService],
})
export class HttpApiModule {}
