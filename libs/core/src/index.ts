export * from './errors';
export * from './logger';
export * from './backoff';
export * from './config';
