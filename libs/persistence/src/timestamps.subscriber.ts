import { EntitySubscriberInterface, EventSubscriber, InsertEvent, UpdateEvent } from 'typeorm';

/**
 * Stamps `@CreateDateColumn` / `@UpdateDateColumn` values in the application with millisecond
 * precision. Without it TypeORM leaves them to the database: its UPDATE sets
 * `CURRENT_TIMESTAMP` (whole seconds on SQLite and MySQL) and MySQL's default uses the session
 * time zone. Covers `save()`, `insert()` and query-builder updates of every entity.
 */
@EventSubscriber()
export class TimestampsSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<Record<string, unknown>>): void {
    const { entity, metadata } = event;
    if (!entity) return;
    const now = new Date();
    for (const column of [metadata.createDateColumn, metadata.updateDateColumn]) {
      if (column && column.getEntityValue(entity) == null) column.setEntityValue(entity, now);
    }
  }

  beforeUpdate(event: UpdateEvent<Record<string, unknown>>): void {
    const column = event.metadata.updateDateColumn;
    if (column && event.entity) column.setEntityValue(event.entity as Record<string, unknown>, new Date());
  }
}
