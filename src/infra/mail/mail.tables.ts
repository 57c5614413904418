import type { Generated } from 'kysely';

/**
 * queued: waiting for the worker. sent: accepted by the SMTP server. stored: no SMTP configured,
 * kept here only (the demo outbox). failed: gave up after retries.
 */
export const MAIL_STATUSES = ['queued', 'sent', 'stored', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface MailTables {
  mail_outbox: {
    id: Generated<number>;
    to_address: string;
    from_address: string;
    reply_to: string | null;
    cc: string | null;
    subject: string;
    text_body: string;
    html_body: string | null;
    /** JSON list of MailAttachment (text files only, e.g. an event's .ics), or null. */
    attachments: string | null;
    /** Which feature sent it, e.g. "auth.password-reset", for filtering and audit. */
    category: string;
    status: MailStatus;
    message_id: string | null;
    error: string | null;
    attempts: number;
    created_at: string;
    sent_at: string | null;
  };
}
