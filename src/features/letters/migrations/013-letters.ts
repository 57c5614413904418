import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('letter_campaigns'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('target_list_id', 'integer', (c) => c.notNull())
    .addColumn('brief', 'text', (c) => c.notNull())
    .addColumn('points', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('subject', 'text')
    .addColumn('min_own_words', 'integer', (c) => c.notNull())
    .addColumn('min_own_percent', 'integer', (c) => c.notNull())
    .addColumn('review_policy', 'text', (c) => c.notNull())
    .addColumn('delivery_mode', 'text', (c) => c.notNull())
    .addColumn('hourly_limit', 'integer', (c) => c.notNull())
    .addColumn('follow_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('opened_at', ts)
    .addColumn('closed_at', ts)
    .execute();

  await withId(db, db.schema.createTable('letters'))
    .addColumn('campaign_id', 'integer', (c) =>
      c.notNull().references('letter_campaigns.id').onDelete('cascade'),
    )
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('target_name', 'text', (c) => c.notNull())
    .addColumn('target_email', 'text')
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('sender_email', 'text', (c) => c.notNull())
    .addColumn('sender_postcode', 'text', (c) => c.notNull())
    .addColumn('sender_address', 'text')
    .addColumn('constituency_code', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('own_words', 'integer', (c) => c.notNull())
    .addColumn('own_percent', 'integer', (c) => c.notNull())
    .addColumn('brief_similarity', 'integer', (c) => c.notNull())
    .addColumn('letter_similarity', 'integer', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('civility_score', 'double precision', (c) => c.notNull())
    .addColumn('civility_labels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_wording', 'text')
    .addColumn('follow_up_wanted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirm_token_hash', 'text')
    .addColumn('last_mail_at', ts, (c) => c.notNull())
    .addColumn('person_id', 'integer')
    .addColumn('scheduled_for', ts)
    .addColumn('outbox_id', 'integer')
    .addColumn('delivery_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .addColumn('delivered_at', ts)
    .addColumn('moderated_by', 'integer')
    .addColumn('moderated_at', ts)
    .addColumn('moderation_note', 'text')
    .addColumn('follow_up_token_hash', 'text')
    .addColumn('follow_up_sent_at', ts)
    .addColumn('reply', 'text')
    .addColumn('replied_at', ts)
    .execute();
  await db.schema
    .createIndex('letters_campaign_status')
    .on('letters')
    .columns(['campaign_id', 'status'])
    .execute();
  // Similarity compares a new letter with the most recent ones to the same target.
  await db.schema
    .createIndex('letters_target')
    .on('letters')
    .columns(['target_id', 'id'])
    .execute();
  // Throttling looks up a target's latest delivery slots within a campaign.
  await db.schema
    .createIndex('letters_slots')
    .on('letters')
    .columns(['campaign_id', 'target_id', 'scheduled_for'])
    .execute();
  await db.schema
    .createIndex('letters_sender')
    .on('letters')
    .columns(['campaign_id', 'target_id', 'sender_email'])
    .execute();
  await db.schema
    .createIndex('letters_confirm_token')
    .on('letters')
    .column('confirm_token_hash')
    .execute();
  await db.schema
    .createIndex('letters_follow_up_token')
    .on('letters')
    .column('follow_up_token_hash')
    .execute();
  await db.schema.createIndex('letters_outbox').on('letters').column('outbox_id').execute();
  await db.schema.createIndex('letters_person').on('letters').column('person_id').execute();
  await db.schema
    .createIndex('letters_sender_email')
    .on('letters')
    .column('sender_email')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('letters').execute();
  await db.schema.dropTable('letter_campaigns').execute();
}
