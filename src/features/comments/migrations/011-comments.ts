import type { Kysely } from 'kysely';
import { timestampType, withId } from '../../../infra/db/migration-helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, db.schema.createTable('comment_threads'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('post'))
    .addColumn('open', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('commenters'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .addColumn('suspended_until', ts)
    .addColumn('banned_at', ts)
    .addColumn('sanction_reason', 'text')
    .addColumn('person_id', 'integer')
    .addColumn('erased_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('commenters_person').on('commenters').column('person_id').execute();

  await withId(db, db.schema.createTable('comments'))
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('comment_threads.id').onDelete('cascade'),
    )
    .addColumn('commenter_id', 'integer', (c) => c.notNull().references('commenters.id'))
    .addColumn('parent_id', 'integer')
    .addColumn('root_id', 'integer')
    .addColumn('depth', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('guard_decision', 'text', (c) => c.notNull())
    .addColumn('guard_score', 'double precision', (c) => c.notNull())
    .addColumn('guard_labels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('guard_spans', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('confirm_token_hash', 'text')
    .addColumn('consent_wording', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('edited_at', ts)
    .addColumn('published_at', ts)
    .addColumn('moderated_at', ts)
    .addColumn('moderated_by', 'integer')
    .execute();
  // The thread page: top-level comments of a thread, then the replies of those on the page.
  await db.schema
    .createIndex('comments_thread')
    .on('comments')
    .columns(['thread_id', 'depth', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('comments_root').on('comments').column('root_id').execute();
  // The moderation queue's tabs.
  await db.schema
    .createIndex('comments_status')
    .on('comments')
    .columns(['status', 'created_at'])
    .execute();
  // Rate limits: comments per commenter and per address in the last hour.
  await db.schema
    .createIndex('comments_commenter')
    .on('comments')
    .columns(['commenter_id', 'created_at'])
    .execute();
  await db.schema.createIndex('comments_ip').on('comments').columns(['ip', 'created_at']).execute();
  await db.schema
    .createIndex('comments_confirm_token')
    .on('comments')
    .column('confirm_token_hash')
    .execute();

  await withId(db, db.schema.createTable('comment_reports'))
    .addColumn('comment_id', 'integer', (c) =>
      c.notNull().references('comments.id').onDelete('cascade'),
    )
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('resolved_at', ts)
    .addColumn('resolved_by', 'integer')
    .execute();
  await db.schema
    .createIndex('comment_reports_comment')
    .on('comment_reports')
    .columns(['comment_id', 'resolved_at'])
    .execute();
  await db.schema
    .createIndex('comment_reports_ip')
    .on('comment_reports')
    .columns(['ip', 'created_at'])
    .execute();

  await withId(db, db.schema.createTable('comment_moderation_log'))
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'integer')
    .addColumn('commenter_id', 'integer')
    .addColumn('thread_id', 'integer')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('comment_moderation_log').execute();
  await db.schema.dropTable('comment_reports').execute();
  await db.schema.dropTable('comments').execute();
  await db.schema.dropTable('commenters').execute();
  await db.schema.dropTable('comment_threads').execute();
}
