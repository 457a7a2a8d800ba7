import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig } from '@callplane/core';
import { PersistenceModule } from '@callplane/persistence';
import { CallsModule } from '@callplane/calls';
import { AcdModule } from '@callplane/acd';
import { IvrModule } from '@callplane/ivr';
import { AppConfigModule } from './config.module';
import { PbxModule } from './pbx/pbx.module';
import { AuthModule } from './auth/auth.module';
import { HttpApiModule } from './http/http-api.module';
import { IvrHttpModule } from './http/ivr/ivr-http.module';
import { RealtimeModule } from './realtime/realtime.module';

export interface AppModuleOptions {
  /** Extension modules (e.g. third-party IVR node types), imported beside the built-ins. */
  extensions?: (Type<unknown> | DynamicModule)[];
}

/** The control plane: REST + Socket.IO edges over the call engine, ACD and IVR, over the PBX port. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        PersistenceModule.forRoot(config),
        PbxModule,
        AuthModule,
        CallsModule,
        AcdModule,
        IvrModule,
        HttpApiModule,
        IvrHttpModule,
        RealtimeModule,
        ...(options.extensions ?? []),
      ],
    };
  }
}
