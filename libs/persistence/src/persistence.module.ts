import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@callplane/core';
import { createDataSourceOptions } from './data-source.options';
import { ENTITIES } from './entities';
import { SchemaVersionCheck } from './schema-version.check';

/**
 * The database for the whole app (global): one TypeORM DataSource per {@link createDataSourceOptions},
 * migrations run at boot, and `Repository<…Entity>` of every entity injectable anywhere with
 * `@InjectRepository(CallEntity)`. The `DataSource` is injectable too (transactions).
 * Boot fails with a StartupError when the database was migrated by a newer build ({@link SchemaVersionCheck}).
 */
@Module({})
export class PersistenceModule {
  static forRoot(config: Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR'>): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          // Options are built at module init, so a bad DATABASE_URL fails boot with a StartupError.
          useFactory: () => ({ ...createDataSourceOptions(config), retryAttempts: 5, retryDelay: 2000 }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [SchemaVersionCheck],
      exports: [TypeOrmModule],
    };
  }
}
