import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { SchemaColumns } from './schema-columns';

/**
 * The full ACD (issue 7): queue strategies' settings, tiers, skills with proficiency, VIP
 * priority, announcements, overflow, leave/callback keys, service level; agents' away reason,
 * per-agent wrap-up/ring timeout, no-answer handling and counters; the queue place of calls;
 * the agent state log and callback requests. Agent state `busy` is renamed `on-call`; skills
 * stored as a list become skill → proficiency 50.
 */
export class AcdFull1764870000000 implements MigrationInterface {
  name = 'AcdFull1764870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(queryRunner);
    const type = queryRunner.connection.driver.options.type;
    // A TEXT column takes a default only as an expression on MySQL 8 / MariaDB (the rows there get it).
    const emptyList = type === 'mysql' || type === 'mariadb' ? "('[]')" : "'[]'";
    const add = (table: string, columns: ReturnType<SchemaColumns['int']>[]) => queryRunner.addColumns(table, columns.map((o) => new TableColumn(o)));

    await add('queues', [
      c.int('retryDelayS', { default: 1 }), c.int('tierWaitS', { default: 10 }), c.int('ringProgressivelyS', { default: 10 }),
      c.json('requiredSkills', { default: emptyList }), c.json('vipNumbers', { default: emptyList }), c.int('vipPriority', { default: 10 }),
      c.str('periodicPrompt', 255, { isNullable: true }), c.int('announceEveryS', { default: 0 }),
      c.bool('announcePosition', false), c.bool('announceWaitTime', false),
      c.str('overflowTargetType', 16, { isNullable: true }), c.str('overflowTargetId', 100, { isNullable: true }),
      c.str('leaveKey', 1, { isNullable: true }), c.str('callbackKey', 1, { isNullable: true }), c.int('serviceLevelS', { default: 20 }),
    ]);
    await add('queue_members', [c.int('tier', { default: 1 }), c.int('position', { default: 0 })]);
    await add('agents', [
      c.str('awayReason', 32, { isNullable: true }), c.int('wrapUpS', { isNullable: true }), c.int('ringTimeoutS', { isNullable: true }),
      c.int('maxNoAnswer', { default: 3 }), c.int('noAnswerCount', { default: 0 }),
      c.int('noAnswerDelayS', { default: 5 }), c.int('rejectDelayS', { default: 5 }), c.int('busyDelayS', { default: 5 }),
      c.int('callsAnswered', { default: 0 }), c.double('talkTimeS', { default: 0 }),
    ]);
    await add('calls', [c.timestamp('queuedAt', { isNullable: true }), c.int('queuePriority', { isNullable: true }), c.int('queuePosition', { isNullable: true })]);

    await queryRunner.createTable(new Table({
      name: 'agent_state_log',
      columns: [
        c.incrementPk(), c.uuid('agentId'), c.timestamp('at'), c.str('fromState', 16), c.str('toState', 16),
        c.str('reason', 32, { isNullable: true }), c.str('trigger', 32), c.uuid('byUserId', { isNullable: true }),
      ],
      indices: [{ name: 'IDX_agent_state_log_agentId_at', columnNames: ['agentId', 'at'] }],
    }), false, true, true);
    await queryRunner.createTable(new Table({
      name: 'queue_callbacks',
      columns: [
        c.uuidPk(), c.uuid('queueId'), c.uuid('originCallId'), c.uuid('callbackCallId', { isNullable: true }), c.uuid('pbxNodeId'),
        c.str('number', 64), c.str('name', 128), c.int('priority', { default: 0 }), c.timestamp('queuedAt'), c.str('state', 16),
        c.int('attempts', { default: 0 }), c.uuid('agentId', { isNullable: true }), c.createdAt(), c.updatedAt(),
      ],
      indices: [{ name: 'IDX_queue_callbacks_queueId_state', columnNames: ['queueId', 'state'] }],
      foreignKeys: [{ columnNames: ['queueId'], referencedTableName: 'queues', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }), false, true, true);

    await queryRunner.query(`UPDATE agents SET state = 'on-call' WHERE state = 'busy'`);
    const rows: { id: string; skills: string | null }[] = await queryRunner.query('SELECT id, skills FROM agents');
    for (const row of rows) {
      const parsed: unknown = row.skills ? JSON.parse(row.skills) : [];
      if (!Array.isArray(parsed)) continue;
      const levels = Object.fromEntries(parsed.filter((s): s is string => typeof s === 'string').map((s) => [s, 50]));
      await queryRunner.query('UPDATE agents SET skills = ? WHERE id = ?', [JSON.stringify(levels), row.id]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const rows: { id: string; skills: string | null }[] = await queryRunner.query('SELECT id, skills FROM agents');
    for (const row of rows) {
      const parsed: unknown = row.skills ? JSON.parse(row.skills) : {};
      if (Array.isArray(parsed) || parsed === null || typeof parsed !== 'object') continue;
      await queryRunner.query('UPDATE agents SET skills = ? WHERE id = ?', [JSON.stringify(Object.keys(parsed)), row.id]);
    }
    await queryRunner.query(`UPDATE agents SET state = 'busy' WHERE state = 'on-call'`);
    await queryRunner.query(`UPDATE agents SET state = 'away' WHERE state = 'dnd'`);
    await queryRunner.dropTable('queue_callbacks', true, true, true);
    await queryRunner.dropTable('agent_state_log', true, true, true);
    const drop = (table: string, names: string[]) => queryRunner.dropColumns(table, names);
    await drop('calls', ['queuedAt', 'queuePriority', 'queuePosition']);
    await drop('agents', ['awayReason', 'wrapUpS', 'ringTimeoutS', 'maxNoAnswer', 'noAnswerCount', 'noAnswerDelayS', 'rejectDelayS', 'busyDelayS', 'callsAnswered', 'talkTimeS']);
    await drop('queue_members', ['tier', 'position']);
    await drop('queues', [
      'retryDelayS', 'tierWaitS', 'ringProgressivelyS', 'requiredSkills', 'vipNumbers', 'vipPriority', 'periodicPrompt', 'announceEveryS',
      'announcePosition', 'announceWaitTime', 'overflowTargetType', 'overflowTargetId', 'leaveKey', 'callbackKey', 'serviceLevelS',
    ]);
  }
}
