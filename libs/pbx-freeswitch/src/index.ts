export { FreeswitchDriver } from './freeswitch.driver';
export { FreeswitchDriverFactory, FREESWITCH_DRIVER_SETTINGS } from './freeswitch-driver.factory';
export { PbxFreeswitchModule } from './pbx-freeswitch.module';
export type { FreeswitchDriverSettings } from './freeswitch.types';
export { DEFAULT_FREESWITCH_SETTINGS } from './freeswitch.types';
