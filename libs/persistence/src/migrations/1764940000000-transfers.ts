import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaColumns } from './schema-columns';

/** Transfers (issue 8): table `transfers`, one row per blind/attended transfer, resumed after a restart. */
export class Transfers1764940000000 implements MigrationInterface {
  name = 'Transfers1764940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(queryRunner);
    await queryRunner.createTable(new Table({
      name: 'transfers',
      columns: [
        c.uuidPk(), c.uuid('callId'), c.uuid('pbxNodeId'), c.str('flow', 16), c.str('state', 16), c.str('targetType', 16),
        c.str('targetId', 100), c.str('origin', 16), c.uuid('transfererAgentId', { isNullable: true }), c.str('transfererChannelId', 64),
        c.str('callerChannelId', 64), c.str('targetChannelId', 64, { isNullable: true }), c.uuid('targetAgentId', { isNullable: true }),
        c.str('mainBridgeId', 64, { isNullable: true }), c.str('consultBridgeId', 64, { isNullable: true }), c.str('reason', 64, { isNullable: true }),
        c.createdAt(), c.updatedAt(), c.timestamp('endedAt', { isNullable: true }),
      ],
      indices: [
        { name: 'IDX_transfers_pbxNodeId_state', columnNames: ['pbxNodeId', 'state'] },
        { name: 'IDX_transfers_callId', columnNames: ['callId'] },
      ],
    }), false, true, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('transfers');
  }
}
