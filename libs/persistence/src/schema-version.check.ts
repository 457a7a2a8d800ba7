import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StartupError } from '@callplane/core';

/**
 * Fails boot when the database was migrated by a newer callplane (it has migrations this build
 * does not know): running old code on a newer schema loses or corrupts data. Pending migrations
 * of this build have already run (`migrationsRun`) when this check runs.
 */
@Injectable()
export class SchemaVersionCheck implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const known = new Set(this.dataSource.migrations.map((m) => m.name ?? m.constructor.name));
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const executed: { name: string }[] = await this.dataSource.query(`SELECT name FROM ${this.dataSource.driver.escape(table)}`);
    const unknown = executed.map((r) => r.name).filter((name) => !known.has(name));
    if (unknown.length) {
      throw new StartupError(
        `The database has migrations this callplane build does not know (${unknown.join(', ')}): it was upgraded by a newer version. ` +
          'Run that version (or restore a backup taken before the upgrade).',
      );
    }
  }
}
