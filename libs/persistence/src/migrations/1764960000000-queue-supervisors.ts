import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { SchemaColumns } from './schema-columns';

/**
 * Supervision scope (issue 8 §4): `queues.supervisorUserIds`, the users (role `supervisor`) who may
 * monitor, whisper to and barge into the calls of a queue. Existing queues start with none
 * (admins may supervise every call).
 */
export class QueueSupervisors1764960000000 implements MigrationInterface {
  name = 'QueueSupervisors1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.options.type;
    // A TEXT column takes a default only as an expression on MySQL 8 / MariaDB (as in AcdFull1764870000000).
    const emptyList = type === 'mysql' || type === 'mariadb' ? "('[]')" : "'[]'";
    await queryRunner.addColumn('queues', new TableColumn(new SchemaColumns(queryRunner).json('supervisorUserIds', { default: emptyList })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('queues', 'supervisorUserIds');
  }
}
