import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IvrModule } from '@callplane/ivr';
import { QueueEntity } from '@callplane/persistence';
import { IvrFlowsController } from './ivr-flows.controller';
import { IvrFlowReferences } from './ivr-flow-references';

/**
 * REST edge of the IVR: `/ivr/flows` CRUD, publish, validate, simulate. Needs IvrModule (which
 * needs TypeORM and PbxDrivers globally, see its docs) and the app's global auth guard for
 * `@Roles('supervisor')` (AuthModule). YAML bodies are read after the guard (`@AcceptsYaml`).
 */
@Module({
  imports: [IvrModule, TypeOrmModule.forFeature([QueueEntity])],
  controllers: [IvrFlowsController],
  providers: [IvrFlowReferences],
})
export class IvrHttpModule {}
