import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaColumns } from './schema-columns';

/**
 * The foundation schema (issue 2): PBX nodes, users, API keys, agents, queues, members, inbound
 * routes, calls with legs and events, IVR flows with versions. Portable across SQLite and
 * MySQL/MariaDB (see {@link SchemaColumns}). Index/unique/FK names come from TypeORM's naming
 * strategy or are spelled out in the entities. Composite unique keys are unique *indices*: TypeORM's
 * MySQL createTable drops `uniques` when a table also has `indices`.
 */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(queryRunner);
    const create = (table: Table) => queryRunner.createTable(table, false, true, true);

    await create(new Table({
      name: 'pbx_nodes',
      columns: [c.uuidPk(), c.str('name', 100, { isUnique: true }), c.str('type', 16), c.json('connection'), c.bool('enabled', true), c.createdAt(), c.updatedAt()],
    }));
    await create(new Table({
      name: 'users',
      columns: [c.uuidPk(), c.str('email', 255, { isUnique: true }), c.str('passwordHash', 100), c.str('role', 16), c.str('displayName', 100), c.createdAt()],
    }));
    await create(new Table({
      name: 'api_keys',
      columns: [
        c.uuidPk(), c.str('name', 100), c.str('prefix', 16), c.str('keyHash', 64, { isUnique: true }), c.str('role', 16),
        c.createdAt(), c.timestamp('lastUsedAt', { isNullable: true }), c.timestamp('revokedAt', { isNullable: true }),
      ],
    }));
    await create(new Table({
      name: 'agents',
      columns: [
        c.uuidPk(), c.uuid('userId', { isNullable: true, isUnique: true }), c.str('name', 100), c.str('endpoint', 100),
        c.uuid('pbxNodeId', { isNullable: true }), c.str('state', 16, { default: "'offline'" }), c.timestamp('stateChangedAt'),
        c.json('skills'), c.timestamp('lastCallEndedAt', { isNullable: true }), c.createdAt(),
      ],
      foreignKeys: [
        { columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        { columnNames: ['pbxNodeId'], referencedTableName: 'pbx_nodes', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
      ],
    }));
    await create(new Table({
      name: 'queues',
      columns: [
        c.uuidPk(), c.str('name', 100, { isUnique: true }), c.str('strategy', 32),
        c.int('ringTimeoutS', { default: 20 }), c.int('maxWaitS', { default: 120 }), c.int('wrapUpS', { default: 10 }),
        c.str('greetingPrompt', 255, { isNullable: true }), c.str('noAnswerPrompt', 255, { isNullable: true }),
        c.str('mohClass', 100, { default: "'default'" }), c.createdAt(), c.updatedAt(),
      ],
    }));
    await create(new Table({
      name: 'queue_members',
      columns: [c.uuidPk(), c.uuid('queueId'), c.uuid('agentId'), c.int('penalty', { default: 0 })],
      indices: [{ name: 'UQ_queue_members_queueId_agentId', columnNames: ['queueId', 'agentId'], isUnique: true }],
      foreignKeys: [
        { columnNames: ['queueId'], referencedTableName: 'queues', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        { columnNames: ['agentId'], referencedTableName: 'agents', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
      ],
    }));
    await create(new Table({
      name: 'inbound_routes',
      columns: [c.uuidPk(), c.str('did', 64), c.uuid('pbxNodeId', { isNullable: true }), c.str('targetType', 16), c.uuid('targetId'), c.createdAt()],
      indices: [{ name: 'UQ_inbound_routes_did_pbxNodeId', columnNames: ['did', 'pbxNodeId'], isUnique: true }],
      foreignKeys: [{ columnNames: ['pbxNodeId'], referencedTableName: 'pbx_nodes', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await create(new Table({
      name: 'calls',
      columns: [
        c.uuidPk(), c.uuid('pbxNodeId'), c.str('channelId', 64), c.str('direction', 16),
        c.str('callerNumber', 64), c.str('callerName', 128), c.str('calledNumber', 64), c.str('calledName', 128, { isNullable: true }),
        c.uuid('queueId', { isNullable: true }), c.uuid('agentId', { isNullable: true }),
        c.uuid('ivrFlowId', { isNullable: true }), c.int('ivrFlowVersion', { isNullable: true }),
        c.str('status', 16), c.timestamp('offeredAt'), c.timestamp('answeredAt', { isNullable: true }), c.timestamp('endedAt', { isNullable: true }),
        c.double('waitS', { isNullable: true }), c.double('talkS', { isNullable: true }),
        c.str('disposition', 16, { isNullable: true }), c.int('hangupCause', { isNullable: true }),
        c.createdAt(), c.updatedAt(),
      ],
      indices: [
        { name: 'UQ_calls_pbxNodeId_channelId', columnNames: ['pbxNodeId', 'channelId'], isUnique: true },
        { columnNames: ['status'] },
        { columnNames: ['offeredAt'] },
      ],
    }));
    await create(new Table({
      name: 'call_legs',
      columns: [
        c.uuidPk(), c.uuid('callId'), c.uuid('pbxNodeId'), c.str('channelId', 64), c.str('role', 16),
        c.str('endpoint', 100, { isNullable: true }), c.uuid('agentId', { isNullable: true }), c.createdAt(),
        c.timestamp('answeredAt', { isNullable: true }), c.timestamp('endedAt', { isNullable: true }), c.int('hangupCause', { isNullable: true }),
      ],
      indices: [{ name: 'UQ_call_legs_pbxNodeId_channelId', columnNames: ['pbxNodeId', 'channelId'], isUnique: true }],
      foreignKeys: [{ columnNames: ['callId'], referencedTableName: 'calls', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await create(new Table({
      name: 'call_events',
      columns: [c.incrementPk(), c.uuid('callId'), c.timestamp('at'), c.str('type', 64), c.json('data', { isNullable: true })],
      indices: [{ columnNames: ['callId'] }],
      foreignKeys: [{ columnNames: ['callId'], referencedTableName: 'calls', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await create(new Table({
      name: 'ivr_flows',
      columns: [c.uuidPk(), c.str('name', 100, { isUnique: true }), c.json('draft'), c.int('publishedVersion', { isNullable: true }), c.createdAt(), c.updatedAt()],
    }));
    await create(new Table({
      name: 'ivr_flow_versions',
      columns: [c.uuidPk(), c.uuid('flowId'), c.int('version'), c.json('definition'), c.timestamp('publishedAt')],
      indices: [{ name: 'UQ_ivr_flow_versions_flowId_version', columnNames: ['flowId', 'version'], isUnique: true }],
      foreignKeys: [{ columnNames: ['flowId'], referencedTableName: 'ivr_flows', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const tables = ['ivr_flow_versions', 'ivr_flows', 'call_events', 'call_legs', 'calls', 'inbound_routes', 'queue_members', 'queues', 'agents', 'api_keys', 'users', 'pbx_nodes'];
    for (const table of tables) await queryRunner.dropTable(table, true, true, true);
  }
}
