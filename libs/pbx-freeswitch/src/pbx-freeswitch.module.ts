import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { FREESWITCH_DRIVER_SETTINGS, FreeswitchDriverFactory } from './freeswitch-driver.factory';
import type { FreeswitchDriverSettings } from './freeswitch.types';

/**
 * Provides and exports {@link FreeswitchDriverFactory}. The app adds it to `PBX_DRIVER_FACTORIES`.
 * `PbxFreeswitchModule.forRoot({ soundsPath, recordingsPath, outboundHost })` sets FreeSWITCH-side paths.
 */
@Module({
  providers: [FreeswitchDriverFactory],
  exports: [FreeswitchDriverFactory],
})
export class PbxFreeswitchModule {
  static forRoot(settings: FreeswitchDriverSettings = {}): DynamicModule {
    return {
      module: PbxFreeswitchModule,
      providers: [{ provide: FREESWITCH_DRIVER_SETTINGS, useValue: settings }, FreeswitchDriverFactory],
      exports: [FreeswitchDriverFactory],
    };
  }
}
