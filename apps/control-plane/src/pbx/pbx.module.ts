import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@callplane/core';
import { PbxDrivers } from '@callplane/pbx';
import { AsteriskDriverFactory, PbxAsteriskModule } from '@callplane/pbx-asterisk';
import { FreeswitchDriverFactory, PbxFreeswitchModule } from '@callplane/pbx-freeswitch';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PbxNodeEntity } from '@callplane/persistence';
import { PbxNodesBootstrap } from './pbx-nodes.bootstrap';

/**
 * Wires the adapters into the port: one {@link PbxDrivers} holding a running driver per
 * enabled PBX node. The only place above the port that knows the adapters exist.
 */
@Global()
@Module({
  imports: [PbxAsteriskModule, PbxFreeswitchModule, TypeOrmModule.forFeature([PbxNodeEntity])],
  providers: [
    {
      provide: PbxDrivers,
      inject: [APP_CONFIG, AsteriskDriverFactory, FreeswitchDriverFactory],
      useFactory: (config: AppConfig, asterisk: AsteriskDriverFactory, freeswitch: FreeswitchDriverFactory) =>
        new PbxDrivers([asterisk, freeswitch], {
          reconnectMinMs: config.PBX_RECONNECT_MIN_MS,
          reconnectMaxMs: config.PBX_RECONNECT_MAX_MS,
          requestTimeoutMs: config.PBX_REQUEST_TIMEOUT_MS,
        }),
    },
    PbxNodesBootstrap,
  ],
  exports: [PbxDrivers],
})
export class PbxModule implements OnApplicationShutdown {
  constructor(@Inject(PbxDrivers) private readonly drivers: PbxDrivers) {}

  async onApplicationShutdown(): Promise<void> {
    await this.drivers.stopAll();
  }
}
