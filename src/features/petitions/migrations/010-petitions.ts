import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('petitions'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('target_list_id', 'integer')
    .addColumn('target_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('goal', 'integer', (c) => c.notNull())
    .addColumn('deadline', ts)
    .addColumn('custom_question', 'text')
    .addColumn('eligibility', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('eligibility_label', 'text')
    .addColumn('thank_you', 'text', (c) => c.notNull())
    .addColumn('share_text', 'text', (c) => c.notNull())
    .addColumn('signature_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('published_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('handed_in_at', ts)
    .execute();
  await db.schema.createIndex('petitions_status').on('petitions').column('status').execute();

  await db.schema
    .createTable('petition_eligibility')
    .addColumn('petition_id', 'integer', (c) =>
      c.notNull().references('petitions.id').onDelete('cascade'),
    )
    .addColumn('key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('petition_eligibility_pk', ['petition_id', 'key'])
    .execute();

  await withId(db, db.schema.createTable('petition_signatures'))
    .addColumn('petition_id', 'integer', (c) =>
      c.notNull().references('petitions.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('email_domain', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('postcode', 'text', (c) => c.notNull())
    .addColumn('constituency_code', 'text')
    .addColumn('constituency_name', 'text')
    .addColumn('answer', 'text')
    .addColumn('membership_number', 'text')
    .addColumn('verified', 'integer')
    .addColumn('consent_email', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_wording', 'text')
    .addColumn('show_name', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('mailed_token_hash', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('disposable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('person_id', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .addColumn('last_mail_at', ts, (c) => c.notNull())
    .addColumn('invalidated_at', ts)
    .execute();
  // The one-signature-per-person rule lives here: the writer inserts with ON CONFLICT DO NOTHING.
  await db.schema
    .createIndex('petition_signatures_email_key')
    .on('petition_signatures')
    .columns(['petition_id', 'email_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('petition_signatures_token')
    .on('petition_signatures')
    .column('token_hash')
    .execute();
  await db.schema
    .createIndex('petition_signatures_status')
    .on('petition_signatures')
    .columns(['petition_id', 'status', 'constituency_code'])
    .execute();
  // No indexes on ip or email_domain: each costs every signature a B-tree insert in the surge,
  // while the moderators' trending report can afford a scan of one petition's rows.
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('petition_signatures').execute();
  await db.schema.dropTable('petition_eligibility').execute();
  await db.schema.dropTable('petitions').execute();
}
