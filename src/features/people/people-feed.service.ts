import { sql } from 'kysely';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import * as repo from './people.repository.js';
import { type Person, toPerson } from './people.service.js';
import type { ConsentStatus } from './people.tables.js';

/** People as a feed for machines (the OSDI API): oldest change first, filtered by change time. */
export interface PeopleFeedQuery {
  modifiedAfter?: string;
  modifiedBefore?: string;
  email?: string;
  tag?: string;
  limit: number;
  offset: number;
}

export type FeedPerson = Person & { emailConsent: ConsentStatus | null };

export async function listPeopleFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  q: PeopleFeedQuery,
): Promise<{ people: FeedPerson[]; total: number }> {
  const db = queries(ctx);
  const email = q.email === undefined ? undefined : (normaliseEmail(q.email) ?? '');
  const base = db
    .selectFrom('people')
    .where('people.erased_at', 'is', null)
    .$if(q.modifiedAfter !== undefined, (b) => b.where('updated_at', '>', q.modifiedAfter ?? ''))
    .$if(q.modifiedBefore !== undefined, (b) => b.where('updated_at', '<', q.modifiedBefore ?? ''))
    .$if(email !== undefined, (b) => b.where('email', '=', email ?? ''))
    .$if(q.tag !== undefined, (b) => b.where((eb) => repo.peopleFilter(eb, { tag: q.tag ?? '' })));
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('people.id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { people: await withConsent(ctx, rows), total: Number(count.n) };
}

export async function getFeedPerson(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<FeedPerson | undefined> {
  const row = await repo.findPersonById(queries(ctx), id);
  if (!row || row.erased_at) return undefined;
  return (await withConsent(ctx, [row]))[0];
}

async function withConsent(ctx: Pick<ServiceContext, 'db' | 'trx'>, rows: repo.PersonRow[]) {
  const consents = await repo.latestConsentStatuses(
    queries(ctx),
    rows.map((r) => r.id),
    'email',
  );
  return rows.map((r) => ({ ...toPerson(r), emailConsent: consents.get(r.id) ?? null }));
}

/** Every tag some living supporter carries, with how many carry it, by name. */
export async function listTagCounts(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  page: { limit: number; offset: number; name?: string },
): Promise<{ tags: { name: string; count: number }[]; total: number }> {
  const db = queries(ctx);
  const elements =
    ctx.db.dialect === 'postgres'
      ? sql`select jsonb_array_elements_text(tags::jsonb) as name from people where erased_at is null`
      : sql`select j.value as name from people, json_each(people.tags) j where people.erased_at is null`;
  const only = page.name === undefined ? sql`` : sql`where name = ${page.name}`;
  const rows = await sql<{ name: string; n: number | string }>`
    select name, count(*) as n from (${elements}) t ${only}
    group by name order by name limit ${page.limit} offset ${page.offset}`.execute(db);
  const total = await sql<{ n: number | string }>`
    select count(distinct name) as n from (${elements}) t ${only}`.execute(db);
  return {
    tags: rows.rows.map((r) => ({ name: r.name, count: Number(r.n) })),
    total: Number(total.rows[0]?.n ?? 0),
  };
}
