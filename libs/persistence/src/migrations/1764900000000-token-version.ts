import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { SchemaColumns } from './schema-columns';

/**
 * Revocable access tokens (issue 13): `users.tokenVersion`, put into each JWT as `tv` and
 * compared by the auth guard and the Socket.IO handshake. Raising it (password change, role
 * change) invalidates every token issued before. Existing users start at 0.
 */
export class TokenVersion1764900000000 implements MigrationInterface {
  name = 'TokenVersion1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('users', new TableColumn(new SchemaColumns(queryRunner).int('tokenVersion', { default: 0 })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'tokenVersion');
  }
}
