import { Module } from '@nestjs/common';
import { AsteriskDriverFactory } from './asterisk-driver.factory';

/**
 * Provides {@link AsteriskDriverFactory}. The app lists it among `PBX_DRIVER_FACTORIES`, e.g.
 * `{ provide: PBX_DRIVER_FACTORIES, useFactory: (a, f) => [a, f], inject: [AsteriskDriverFactory, FreeswitchDriverFactory] }`.
 */
@Module({
  providers: [AsteriskDriverFactory],
  exports: [AsteriskDriverFactory],
})
export class PbxAsteriskModule {}
