export * from './pbx-sim.types';
export { AsteriskSim, AsteriskSimOptions } from './asterisk/asterisk-sim';
export { FreeswitchSim, FreeswitchSimOptions } from './freeswitch/freeswitch-sim';
