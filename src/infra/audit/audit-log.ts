import { type Kysely, sql } from 'kysely';
import { type Db, nowIso } from '../db/database.js';
import type { Database } from '../db/schema.js';

export interface AuditEvent {
  actorUserId: number | null;
  action: string;
  subjectType?: string;
  subjectId?: string | number;
  details?: Record<string, unknown>;
}

/** Who did what, when: written by the commands that change data on someone's behalf. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  async record(event: AuditEvent, executor: Kysely<Database> = this.db.kysely): Promise<void> {
    await executor
      .insertInto('audit_log')
      .values({
        actor_user_id: event.actorUserId,
        action: event.action,
        subject_type: event.subjectType ?? null,
        subject_id: event.subjectId === undefined ? null : String(event.subjectId),
        details: event.details ? JSON.stringify(event.details) : null,
        created_at: nowIso(),
      })
      .execute();
  }

  /**
   * Right to erasure: the trail keeps who did what and when, but not the erased person's details
   * that some entry may have quoted.
   */
  async redact(needles: string[], executor: Kysely<Database> = this.db.kysely): Promise<void> {
    for (const needle of needles.filter((n) => n.length > 0)) {
      const pattern = `%${needle.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      await executor
        .updateTable('audit_log')
        .set({ details: sql<string>`replace(details, ${needle}, '[erased]')` })
        .where(sql<boolean>`details like ${pattern} escape '\\'`)
        .execute();
    }
  }

  async recent(limit = 50) {
    return this.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
