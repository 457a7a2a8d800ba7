export * from './auth';
export * from './rest';
export * from './realtime';
