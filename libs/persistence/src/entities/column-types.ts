import type { ColumnOptions } from 'typeorm';

/**
 * Column shapes shared by every entity, chosen to mean the same on better-sqlite3 and
 * MySQL/MariaDB (the initial migration creates exactly these).
 */

/** A point in time with milliseconds: `datetime(3)` on MySQL/MariaDB, ISO text (UTC) on SQLite. */
export const TIMESTAMP_MS: ColumnOptions = { type: 'datetime', precision: 3 };

/** uuid foreign key / reference. */
export const UUID_REF: ColumnOptions = { type: 'varchar', length: 36 };

/** JSON value serialised as text (portable; MySQL JSON columns are not on SQLite). */
export const JSON_TEXT: ColumnOptions = { type: 'simple-json' };
