/**
 * The organiser's dashboard over a large campaign: 100,000 supporters and ACTIVITY_ROWS activity
 * rows spread over a year, on SQLite and on PostgreSQL. Each render is timed in-process (the
 * page is one request: its latency is the figure, not throughput); median of RENDERS renders of
 * each period after a warm-up. Last line: one JSON object.
 */
import { sql } from 'kysely';
import { createTestApp } from '../test/helpers/app.js';
import { createTestDatabase } from '../test/helpers/databases.js';
import { loginAs } from '../test/helpers/staff.js';
import type { Db } from '../src/infra/db/database.js';

const ACTIVITY_ROWS = Number(process.env.ACTIVITY_ROWS ?? 1_000_000);
const PEOPLE = 100_000;
const RENDERS = 15;
const PERIODS = [7, 30, 90] as const;

async function fill(db: Db): Promise<void> {
  const k = db.kysely;
  if (db.dialect === 'postgres') {
    await sql`insert into people (email, tags, custom_fields, source, search_text, constituency_code, constituency_name, created_at, updated_at)
      select 'p' || i || '@example.org', '[]', '{}', case when i % 3 = 0 then 'petition:libraries' else 'stall:' || (i % 7) end,
        'p' || i, 'E140' || lpad((i % 600)::text, 5, '0'), 'Constituency ' || (i % 600),
        now() - ((i % 365) || ' days')::interval, now() - ((i % 365) || ' days')::interval
      from generate_series(1, ${PEOPLE}) as i`.execute(k);
    await sql`insert into activities (person_id, kind, summary, ref_type, ref_id, created_at)
      select 1 + (i % ${PEOPLE}), (array['signed','letter','storm','comment','consent'])[1 + i % 5],
        'Signed the petition "Keep our libraries open"', 'petition', '1',
        now() - ((i % 365) || ' days')::interval - ((i % 1440) || ' minutes')::interval
      from generate_series(1, ${ACTIVITY_ROWS}) as i`.execute(k);
    await sql`analyze`.execute(k);
    return;
  }
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${PEOPLE})
    insert into people (email, tags, custom_fields, source, search_text, constituency_code, constituency_name, created_at, updated_at)
    select 'p' || i || '@example.org', '[]', '{}', case when i % 3 = 0 then 'petition:libraries' else 'stall:' || (i % 7) end,
      'p' || i, 'E140' || printf('%05d', i % 600), 'Constituency ' || (i % 600),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 365) || ' days'),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 365) || ' days')
    from n`.execute(k);
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ACTIVITY_ROWS})
    insert into activities (person_id, kind, summary, ref_type, ref_id, created_at)
    select 1 + (i % ${PEOPLE}), case i % 5 when 0 then 'signed' when 1 then 'letter' when 2 then 'storm' when 3 then 'comment' else 'consent' end,
      'Signed the petition "Keep our libraries open"', 'petition', '1',
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 365) || ' days', '-' || (i % 1440) || ' minutes')
    from n`.execute(k);
  await sql`analyze`.execute(k);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function measure(dialect: 'sqlite' | 'postgres'): Promise<Record<number, number>> {
  const handle = await createTestDatabase(dialect);
  try {
    const started = Date.now();
    await fill(handle.db);
    console.error(`${dialect}: filled in ${Date.now() - started} ms`);
    const app = await createTestApp(handle.db);
    try {
      const owner = await loginAs(app, 'owner');
      const out: Record<number, number> = {};
      for (const period of PERIODS) {
        const url = `/admin?period=${period}`;
        const first = await owner.get(url);
        if (first.statusCode !== 200) throw new Error(`${url}: ${first.statusCode}`);
        const times: number[] = [];
        for (let i = 0; i < RENDERS; i++) {
          const t = process.hrtime.bigint();
          await owner.get(url);
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        out[period] = Math.round(median(times) * 10) / 10;
        console.error(`${dialect} ${period} days: median ${out[period]} ms`);
      }
      return out;
    } finally {
      await app.close();
    }
  } finally {
    await handle.dispose();
  }
}

const sqlite = await measure('sqlite');
const postgres = await measure('postgres');
console.log(
  JSON.stringify({
    activity_rows: ACTIVITY_ROWS,
    people: PEOPLE,
    dashboard_ms_sqlite: sqlite[30],
    dashboard_ms_postgres: postgres[30],
    dashboard_ms_sqlite_by_period: sqlite,
    dashboard_ms_postgres_by_period: postgres,
  }),
);
