import { PbxNodeEntity } from './pbx-node.entity';
import { UserEntity } from './user.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AgentEntity } from './agent.entity';
import { QueueEntity } from './queue.entity';
import { QueueMemberEntity } from './queue-member.entity';
import { InboundRouteEntity } from './inbound-route.entity';
import { CallEntity } from './call.entity';
import { CallLegEntity } from './call-leg.entity';
import { CallEventEntity } from './call-event.entity';
import { IvrFlowEntity } from './ivr-flow.entity';
import { IvrFlowVersionEntity } from './ivr-flow-version.entity';
import { AgentStateLogEntity } from './agent-state-log.entity';
import { QueueCallbackEntity } from './queue-callback.entity';
import { TransferEntity } from './transfer.entity';

export * from './pbx-node.entity';
export * from './user.entity';
export * from './api-key.entity';
export * from './agent.entity';
export * from './queue.entity';
export * from './queue-member.entity';
export * from './inbound-route.entity';
export * from './call.entity';
export * from './call-leg.entity';
export * from './call-event.entity';
export * from './ivr-flow.entity';
export * from './ivr-flow-version.entity';
export * from './agent-state-log.entity';
export * from './queue-callback.entity';
export * from './transfer.entity';

/** Every entity of callplane, for the DataSource and `TypeOrmModule.forFeature`. */
export const ENTITIES = [
  PbxNodeEntity,
  UserEntity,
  ApiKeyEntity,
  AgentEntity,
  QueueEntity,
  QueueMemberEntity,
  InboundRouteEntity,
  CallEntity,
  CallLegEntity,
  CallEventEntity,
  IvrFlowEntity,
  IvrFlowVersionEntity,
  AgentStateLogEntity,
  QueueCallbackEntity,
  TransferEntity,
];
