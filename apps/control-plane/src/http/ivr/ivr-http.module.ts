import { Module } from '@nestjs/common';
import { IvrModule } from '@callplane/ivr';
import { IvrFlowsController } from './ivr-flows.controller';

/**
 * REST edge of the IVR: `/ivr/flows` CRUD, publish, validate, simulate. Needs IvrModule (which
 * needs TypeORM and PbxDrivers globally, see its docs) and the app's global auth guard for
 * `@Roles('supervisor')` (AuthModule). YAML bodies are read after the guard (`@AcceptsYaml`).
 */
@Module({
  imports: [IvrModule],
  controllers: [IvrFlowsController],
})
export class IvrHttpModule {}
