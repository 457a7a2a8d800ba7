import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { IvrModule } from '@callplane/ivr';
import { IvrFlowsController } from './ivr-flows.controller';
import { YamlBodyMiddleware } from './yaml-body.middleware';

/**
 * REST edge of the IVR: `/ivr/flows` CRUD, publish, validate, simulate. Needs IvrModule (which
 * needs TypeORM and PbxDrivers globally, see its docs) and the app's global auth guard for
 * `@Roles('supervisor')` (AuthModule).
 */
@Module({
  imports: [IvrModule],
  controllers: [IvrFlowsController],
})
export class IvrHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(YamlBodyMiddleware).forRoutes(IvrFlowsController);
  }
}
