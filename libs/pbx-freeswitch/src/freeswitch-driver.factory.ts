import { Inject, Injectable, Optional } from '@nestjs/common';
import { PbxDriverFactory } from '@callplane/pbx';
import type { PbxDriver, PbxDriverOptions, PbxNodeConfig } from '@callplane/pbx';
import { FreeswitchDriver } from './freeswitch.driver';
import type { FreeswitchDriverSettings } from './freeswitch.types';

/** DI token for {@link FreeswitchDriverSettings} (optional; defaults apply). */
export const FREESWITCH_DRIVER_SETTINGS = Symbol('FREESWITCH_DRIVER_SETTINGS');

/** Builds a {@link FreeswitchDriver} for each PBX node of type `freeswitch`. */
@Injectable()
export class FreeswitchDriverFactory extends PbxDriverFactory {
  readonly type = 'freeswitch' as const;

  constructor(@Optional() @Inject(FREESWITCH_DRIVER_SETTINGS) private readonly settings: FreeswitchDriverSettings = {}) {
    super();
  }

  create(node: PbxNodeConfig, options: PbxDriverOptions): PbxDriver {
    return new FreeswitchDriver(node, options, this.settings ?? {});
  }
}
