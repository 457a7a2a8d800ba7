export * from './agents.gateway';
export * from './realtime.module';
