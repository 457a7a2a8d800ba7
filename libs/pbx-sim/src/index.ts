export * from './pbx-sim.types';
export { AsteriskSim, AsteriskSimOptions } from './asterisk/asterisk-sim';
export { FreeswitchSim, FreeswitchSimOptions } from './freeswitch/freeswitch-sim';
export { runScenario, ScenarioRunOptions, ScenarioReport } from './scenario.runner';
export { parseScenario, scenarioSchema, Scenario } from './scenario.schema';
