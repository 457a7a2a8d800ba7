export * from './auth';
export * from './rest';
