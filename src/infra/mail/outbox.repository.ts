import { type Selectable, sql } from 'kysely';
import { type Db, nowIso } from '../db/database.js';
import type { MailStatus, MailTables } from './mail.tables.js';

export type OutboxRow = Selectable<MailTables['mail_outbox']>;
export type OutboxSummary = Pick<
  OutboxRow,
  'id' | 'to_address' | 'subject' | 'category' | 'status' | 'created_at'
>;

export interface OutboxFilter {
  status?: MailStatus | undefined;
  /** Part of a recipient address, matched case-insensitively. */
  recipient?: string | undefined;
}

export interface OutboxPage {
  items: OutboxSummary[];
  total: number;
}

/** Stored error text is capped: an SMTP transcript can be long and the UI shows it whole. */
const ERROR_MAX_LENGTH = 4000;

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The mail_outbox table: written by Mailer.send, updated by delivery, read by the outbox UI. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  async find(id: number): Promise<OutboxRow | undefined> {
    return this.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async list(filter: OutboxFilter, offset: number, limit: number): Promise<OutboxPage> {
    let query = this.db.kysely.selectFrom('mail_outbox');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.recipient)
      query = query.where(
        sql<boolean>`lower(to_address) like ${likePattern(filter.recipient)} escape '\\'`,
      );
    const [items, count] = await Promise.all([
      query
        .select(['id', 'to_address', 'subject', 'category', 'status', 'created_at'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  async markSent(id: number, messageId: string | null): Promise<void> {
    const now = nowIso();
    await this.db.kysely
      .updateTable('mail_outbox')
      .set({
        status: 'sent',
        message_id: messageId,
        sent_at: now,
        error: null,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** No SMTP configured: the outbox row itself is the delivered message. */
  async markStored(id: number): Promise<void> {
    await this.db.kysely
      .updateTable('mail_outbox')
      .set({ status: 'stored', error: null })
      .where('id', '=', id)
      .execute();
  }

  /** `final`: the job will not retry, so the message is given up on. */
  async recordFailure(id: number, error: string, final: boolean): Promise<void> {
    await this.db.kysely
      .updateTable('mail_outbox')
      .set({
        status: final ? 'failed' : 'queued',
        error: error.slice(0, ERROR_MAX_LENGTH),
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', '=', id)
      .execute();
  }
}
