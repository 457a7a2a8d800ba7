import { QueryFailedError } from 'typeorm';

interface DriverErrorShape {
  code?: string;
  errno?: number;
}

function driverError(err: unknown): DriverErrorShape | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  return (err as QueryFailedError & { driverError?: DriverErrorShape }).driverError ?? (err as DriverErrorShape);
}

/**
 * True when `err` is a unique-key violation: better-sqlite3 `SQLITE_CONSTRAINT_UNIQUE` /
 * `SQLITE_CONSTRAINT_PRIMARYKEY`, MySQL/MariaDB `ER_DUP_ENTRY` (errno 1062). Lets writers treat
 * "already recorded" as a no-op (a call adopted twice) and the REST edge answer 409.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = driverError(err);
  return !!e && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'ER_DUP_ENTRY' || e.errno === 1062);
}

/**
 * True when `err` is a foreign-key violation: better-sqlite3 `SQLITE_CONSTRAINT_FOREIGNKEY`,
 * MySQL/MariaDB errno 1451 (row still referenced) / 1452 (referenced row missing).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = driverError(err);
  return !!e && (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || e.errno === 1451 || e.errno === 1452);
}
