import { type Kysely, sql } from 'kysely';
import { dialectOf, timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  const bytes = dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`;
  let cases = withId(db, db.schema.createTable('conduct_cases'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('complainant_name', 'text')
    .addColumn('complainant_email', 'text')
    .addColumn('complainant_person_id', 'integer')
    .addColumn('complainant_anonymous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('respondent_name', 'text', (c) => c.notNull())
    .addColumn('respondent_email', 'text')
    .addColumn('respondent_person_id', 'integer')
    .addColumn('respondent_token_hash', 'text', (c) => c.unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('handler_id', 'integer')
    .addColumn('opened_by', 'integer');
  for (const col of [
    'created_at',
    'received_at',
    'acknowledged_at',
    'respondent_notified_at',
    'reply_due_at',
    'replied_at',
    'next_due_at',
  ])
    cases = cases.addColumn(col, ts, (c) => (col === 'created_at' ? c.notNull() : c));
  cases = cases
    .addColumn('next_due_what', 'text')
    .addColumn('outcome', 'text')
    .addColumn('outcome_reasons', 'text')
    .addColumn('outcome_until', 'text')
    .addColumn('outcome_applied', 'text')
    .addColumn('proposed_by', 'integer')
    .addColumn('proposed_at', ts)
    .addColumn('confirmed_by', 'integer')
    .addColumn('decided_at', ts)
    .addColumn('appeal_due_at', ts)
    .addColumn('appealed_at', ts)
    .addColumn('appeal_grounds', 'text')
    .addColumn('appeal_reviewer_id', 'integer')
    .addColumn('appeal_result', 'text')
    .addColumn('appeal_reasons', 'text')
    .addColumn('appeal_decided_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('minimised_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull());
  await cases.execute();
  await db.schema
    .createIndex('conduct_cases_status')
    .on('conduct_cases')
    .columns(['status', 'id'])
    .execute();
  await db.schema
    .createIndex('conduct_cases_due')
    .on('conduct_cases')
    .column('next_due_at')
    .execute();
  await db.schema
    .createIndex('conduct_cases_received')
    .on('conduct_cases')
    .column('received_at')
    .execute();

  await withId(db, db.schema.createTable('conduct_case_evidence'))
    .addColumn('case_id', 'integer', (c) =>
      c.notNull().references('conduct_cases.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('mime_type', 'text')
    .addColumn('byte_size', 'integer')
    .addColumn('content', bytes)
    .addColumn('stored_name', 'text')
    .addColumn('guard_score', 'double precision')
    .addColumn('guard_decision', 'text')
    .addColumn('guard_labels', 'text')
    .addColumn('added_by_party', 'text', (c) => c.notNull())
    .addColumn('added_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conduct_case_evidence_case')
    .on('conduct_case_evidence')
    .columns(['case_id', 'id'])
    .execute();

  await withId(db, db.schema.createTable('conduct_case_events'))
    .addColumn('case_id', 'integer', (c) =>
      c.notNull().references('conduct_cases.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('note', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conduct_case_events_case')
    .on('conduct_case_events')
    .columns(['case_id', 'id'])
    .execute();

  await db.schema
    .createTable('conduct_case_conflicts')
    .addColumn('case_id', 'integer', (c) =>
      c.notNull().references('conduct_cases.id').onDelete('cascade'),
    )
    .addColumn('staff_id', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('conduct_case_conflicts_pk', ['case_id', 'staff_id'])
    .execute();

  await withId(db, db.schema.createTable('conduct_case_views'))
    .addColumn('case_id', 'integer', (c) =>
      c.notNull().references('conduct_cases.id').onDelete('cascade'),
    )
    .addColumn('staff_id', 'integer', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conduct_case_views_case')
    .on('conduct_case_views')
    .columns(['case_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'conduct_case_views',
    'conduct_case_conflicts',
    'conduct_case_events',
    'conduct_case_evidence',
    'conduct_cases',
  ])
    await db.schema.dropTable(t).execute();
}
