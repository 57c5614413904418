import { type ServiceContext, queries } from '../../infra/service-context.js';
import type { MailingStatus, RecipientStatus } from './mailings.tables.js';

/** A mailing as a feed for machines (the OSDI API's read-only `messages`). */
export interface FeedMessage {
  id: number;
  status: MailingStatus;
  subject: string;
  preheader: string;
  fromName: string;
  body: string;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Recipient rows per status (queued, sent, bounced…); empty until the audience is built. */
  recipients: Partial<Record<RecipientStatus, number>>;
}

export interface MessagesPage {
  modifiedAfter?: string;
  modifiedBefore?: string;
  limit: number;
  offset: number;
}

type Ctx = Pick<ServiceContext, 'db' | 'trx'>;

async function withCounts(
  ctx: Ctx,
  rows: {
    id: number;
    status: MailingStatus;
    subject: string;
    preheader: string;
    from_name: string;
    body_markdown: string;
    scheduled_at: string | null;
    started_at: string | null;
    finished_at: string | null;
    created_at: string;
    updated_at: string;
  }[],
): Promise<FeedMessage[]> {
  const counts = new Map<number, Partial<Record<RecipientStatus, number>>>();
  if (rows.length > 0) {
    const found = await queries(ctx)
      .selectFrom('mailing_recipients')
      .select(['mailing_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where(
        'mailing_id',
        'in',
        rows.map((r) => r.id),
      )
      .groupBy(['mailing_id', 'status'])
      .execute();
    for (const c of found) {
      const byStatus = counts.get(c.mailing_id) ?? {};
      byStatus[c.status] = Number(c.n);
      counts.set(c.mailing_id, byStatus);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    subject: r.subject,
    preheader: r.preheader,
    fromName: r.from_name,
    body: r.body_markdown,
    scheduledAt: r.scheduled_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    recipients: counts.get(r.id) ?? {},
  }));
}

const COLUMNS = [
  'id',
  'status',
  'subject',
  'preheader',
  'from_name',
  'body_markdown',
  'scheduled_at',
  'started_at',
  'finished_at',
  'created_at',
  'updated_at',
] as const;

export async function listMessagesFeed(
  ctx: Ctx,
  q: MessagesPage,
): Promise<{ messages: FeedMessage[]; total: number }> {
  const base = queries(ctx)
    .selectFrom('mailings')
    .$if(q.modifiedAfter !== undefined, (b) => b.where('updated_at', '>', q.modifiedAfter ?? ''))
    .$if(q.modifiedBefore !== undefined, (b) => b.where('updated_at', '<', q.modifiedBefore ?? ''));
  const [rows, count] = await Promise.all([
    base.select(COLUMNS).orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { messages: await withCounts(ctx, rows), total: Number(count.n) };
}

export async function getMessageForFeed(ctx: Ctx, id: number): Promise<FeedMessage | undefined> {
  const row = await queries(ctx)
    .selectFrom('mailings')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? (await withCounts(ctx, [row]))[0] : undefined;
}
