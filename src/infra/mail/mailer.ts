import { type Kysely, type Transaction, sql } from 'kysely';
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
  /** Small text files sent with it, such as an event's .ics. */
  attachments?: MailAttachment[];
  /** Who sends it, e.g. "auth.password-reset"; shown and filterable in the outbox. */
  category: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export const MAIL_DELIVER_JOB = 'mail.deliver';

function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

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
          attachments: mail.attachments?.length ? JSON.stringify(mail.attachments) : null,
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

  /**
   * Right to erasure: messages to `address` lose their recipient, subject and bodies (what was
   * sent is the personal data); any other message that quotes `address` or one of `mentions`
   * (e.g. the person's full name in a notification) has those words replaced.
   */
  async forgetRecipient(
    address: string,
    placeholder: string,
    mentions: string[],
    executor: Kysely<Database> = this.db.kysely,
  ): Promise<void> {
    const erased = '[erased]';
    await executor
      .updateTable('mail_outbox')
      .set({
        to_address: placeholder,
        subject: erased,
        text_body: erased,
        html_body: null,
        attachments: null,
      })
      .where(sql<boolean>`lower(to_address) = ${address.toLowerCase()}`)
      .execute();
    const columns = ['to_address', 'cc', 'reply_to', 'subject', 'text_body', 'html_body'] as const;
    for (const needle of [address, ...mentions].filter((m) => m.length > 0)) {
      const inAddresses = needle === address ? placeholder : erased;
      await executor
        .updateTable('mail_outbox')
        .set({
          to_address: sql<string>`replace(to_address, ${needle}, ${inAddresses})`,
          cc: sql<string | null>`replace(cc, ${needle}, ${inAddresses})`,
          reply_to: sql<string | null>`replace(reply_to, ${needle}, ${inAddresses})`,
          subject: sql<string>`replace(subject, ${needle}, ${erased})`,
          text_body: sql<string>`replace(text_body, ${needle}, ${erased})`,
          html_body: sql<string | null>`replace(html_body, ${needle}, ${erased})`,
        })
        .where((eb) =>
          eb.or(
            columns.map(
              (col) => sql<boolean>`${sql.ref(col)} like ${containsPattern(needle)} escape '\\'`,
            ),
          ),
        )
        .execute();
    }
  }
}
