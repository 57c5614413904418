import {
  type Mail,
  type SMTPPoolOptions,
  type SMTPPoolSentMessageInfo,
  createTransport,
} from 'nodemailer';
import type { JobContext } from '../jobs/job-queue.js';
import type { OutboxRepository } from './outbox.repository.js';
import type { MailAttachment } from './mailer.js';

export interface DeliverPayload {
  outboxId: number;
}

function parsePayload(payload: unknown): DeliverPayload {
  const id = (payload as Partial<DeliverPayload> | null)?.outboxId;
  if (typeof id !== 'number' || !Number.isInteger(id))
    throw new Error(`mail.deliver payload has no outboxId: ${JSON.stringify(payload)}`);
  return { outboxId: id };
}

type SmtpTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/**
 * Hands outbox rows to SMTP. One pooled transport per app, opened on first use (most processes
 * in development never send) and closed with the app. With no SMTP URL, delivery only marks the
 * row stored: the outbox is then the mailbox.
 */
export class MailDelivery {
  private transport: SmtpTransport | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly smtpUrl: string | undefined,
  ) {}

  async deliver(payload: unknown, ctx: Pick<JobContext, 'attempt' | 'maxAttempts'>) {
    const { outboxId } = parsePayload(payload);
    const mail = await this.outbox.find(outboxId);
    // Already delivered: a job reclaimed after a crash must not send twice.
    if (!mail || mail.status === 'sent' || mail.status === 'stored') return;
    if (!this.smtpUrl) {
      await this.outbox.markStored(mail.id);
      return;
    }
    try {
      const info = await this.smtp(this.smtpUrl).sendMail({
        from: mail.from_address,
        to: mail.to_address,
        ...(mail.cc ? { cc: mail.cc } : {}),
        ...(mail.reply_to ? { replyTo: mail.reply_to } : {}),
        subject: mail.subject,
        text: mail.text_body,
        ...(mail.html_body ? { html: mail.html_body } : {}),
        ...(mail.attachments
          ? { attachments: JSON.parse(mail.attachments) as MailAttachment[] }
          : {}),
      });
      await this.outbox.markSent(mail.id, info.messageId ?? null);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.outbox.recordFailure(mail.id, message, ctx.attempt >= ctx.maxAttempts);
      throw err;
    }
  }

  private smtp(url: string): SmtpTransport {
    this.transport ??= createTransport({ url, pool: true });
    return this.transport;
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
