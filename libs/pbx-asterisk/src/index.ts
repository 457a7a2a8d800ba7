export { AsteriskDriver } from './asterisk.driver';
export { AsteriskDriverFactory } from './asterisk-driver.factory';
export { PbxAsteriskModule } from './pbx-asterisk.module';
