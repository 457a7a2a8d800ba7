export * from './entities';
export * from './data-source.options';
export * from './persistence.module';
export * from './timestamps.subscriber';
export { MIGRATIONS } from './migrations';
export * from './db-errors';
export * from './schema-version.check';
