import { Module } from '@nestjs/common';
import { CallsModule } from '@callplane/calls';
import { AcdModule } from '@callplane/acd';
import { AgentsGateway } from './agents.gateway';
import { SupervisorsGateway } from './supervisors.gateway';

/**
 * Socket.IO edges. Needs from the host: `AuthService` (AuthModule is global in AppModule),
 * plus what CallsModule/AcdModule need (TypeORM root, PbxDrivers).
 */
@Module({
  imports: [CallsModule, AcdModule],
  providers: [AgentsGateway, SupervisorsGateway],
  exports: [AgentsGateway, SupervisorsGateway],
})
export class RealtimeModule {}
