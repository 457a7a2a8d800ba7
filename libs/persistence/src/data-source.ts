import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@callplane/core';
import { createDataSourceOptions } from './data-source.options';

/**
 * DataSource for the TypeORM CLI, configured from the same environment as the app, e.g.
 * `npx typeorm-ts-node-commonjs migration:show -d libs/persistence/src/data-source.ts` or, after
 * `npm run build`, `npx typeorm migration:run -d dist/libs/persistence/src/data-source.js`.
 */
export default new DataSource({ ...createDataSourceOptions(loadConfig()), migrationsRun: false });
