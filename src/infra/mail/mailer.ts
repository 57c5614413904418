import type { Transaction } from 'kysely';
import { type Db, nowIso } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { JobQueue } from '../jobs/job-queue.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  cc?: string;
  /** Who sends it, e.g. "auth.password-reset"; shown and filterable in the outbox. */
  category: string;
}

export const MAIL_DELIVER_JOB = 'mail.deliver';

/**
 * Every message is first written to the outbox table, then delivered by a job: the outbox is the
 * audit trail of what Rally sent, and with no SMTP_URL it is the demo mailbox itself.
 */
export class Mailer {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly from: string,
  ) {}

  async send(mail: OutgoingMail, trx?: Transaction<Database>): Promise<number> {
    const write = async (t: Transaction<Database>) => {
      const row = await t
        .insertInto('mail_outbox')
        .values({
          to_address: mail.to,
          from_address: this.from,
          reply_to: mail.replyTo ?? null,
          cc: mail.cc ?? null,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html ?? null,
          category: mail.category,
          status: 'queued',
          attempts: 0,
          created_at: nowIso(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.jobs.enqueue(MAIL_DELIVER_JOB, { outboxId: row.id }, { trx: t });
      return row.id;
    };
    return trx ? write(trx) : this.db.kysely.transaction().execute(write);
  }
}
