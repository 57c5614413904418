import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/helpers/app.js';
import { type DatabaseContext, describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAsNew } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import type { Feature } from '../../infra/services.js';
import { FEATURES } from '../index.js';
import { type PersonExport, erasedEmail } from './data-rights.service.js';
import * as repo from './people.repository.js';
import {
  findPersonByEmail,
  getPerson,
  listActivities,
  listConsentHistory,
  recordActivity,
  recordConsent,
  upsertPerson,
} from './people.service.js';
import { saveSegment } from './segments.service.js';

const EMAIL = 'zebedee.quint@example.org';
const FIRST = 'Zebedee';
const LAST = 'Quintessential-Marlowe';
const PHONE = '07700 900123';
/** Everything personal about the person: none of it may survive erasure, anywhere. */
const NEEDLES = [EMAIL, FIRST, LAST, PHONE, 'DN2 4AB', 'zeb-the-great'];

/** Every table and every column of the database, however it came to exist. */
async function allColumns(ctx: DatabaseContext): Promise<{ table: string; column: string }[]> {
  if (ctx.dialect === 'postgres') {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema()`.execute(ctx.db.kysely);
    return rows.map((r) => ({ table: r.table_name, column: r.column_name }));
  }
  const { rows: tables } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table'`.execute(ctx.db.kysely);
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ name: string }>`
      select name from pragma_table_info(${name})`.execute(ctx.db.kysely);
    for (const c of rows) out.push({ table: name, column: c.name });
  }
  return out;
}

/** "table.column: needle" for every place a needle appears, ignoring case. */
async function findEverywhere(ctx: DatabaseContext, needles: string[]): Promise<string[]> {
  const columns = await allColumns(ctx);
  assert.ok(columns.length > 30, 'the scan sees the whole schema');
  const hits: string[] = [];
  for (const { table, column } of columns)
    for (const needle of needles) {
      const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${sql.table(table)}
        where lower(cast(${sql.ref(column)} as text)) like ${`%${needle.toLowerCase()}%`}`.execute(
        ctx.db.kysely,
      );
      if (Number(rows[0]?.n) > 0) hits.push(`${table}.${column}: ${needle}`);
    }
  return hits;
}

describeEachDatabase('data rights: export and erase', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let organiserId: number;
  let id: number;
  let otherId: number;
  const erasedByHandler: { personId: number; needles: string[] }[] = [];

  before(async () => {
    // Another feature's data about the person, reached through its declared handler.
    const testFeature: Feature = {
      name: 'test-feature',
      personData: {
        name: 'test-feature',
        export: async (_trx, person) => ({ note: `held for ${person.id}` }),
        erase: async (_trx, person, needles) => {
          erasedByHandler.push({ personId: person.id, needles });
        },
      },
    };
    app = await createTestApp(ctx.db, {}, { features: [...FEATURES, testFeature] });
    ({
      client: organiser,
      user: { id: organiserId },
    } = await loginAsNew(app, 'organiser'));
    await loadUkConstituencies(ctx.db);
    ({ id } = await upsertPerson(ctx.db, {
      email: EMAIL,
      firstName: FIRST,
      lastName: LAST,
      phone: PHONE,
      postcode: 'dn2 4ab',
      tags: ['volunteer'],
      customFields: { nickname: 'Zeb-the-great' },
      source: 'petition:library',
    }));
    ({ id: otherId } = await upsertPerson(ctx.db, {
      email: 'other@example.org',
      firstName: 'Olive',
      lastName: 'Other',
      source: 'petition:library',
    }));
    await recordConsent(ctx.db, id, {
      channel: 'email',
      status: 'granted',
      method: 'form',
      wording: `I, ${FIRST} ${LAST}, agree to campaign emails`,
      source: 'petition:library',
    });
    await recordActivity(ctx.db, id, {
      kind: 'signed',
      summary: `${FIRST} ${LAST} signed "Save the library"`,
      refType: 'petition',
      refId: 3,
      data: { comment: `${FIRST} says: call me on ${PHONE}` },
    });
    // What other features leave behind: mail to and about them, an audit entry quoting them.
    await app.services.mailer.send({
      to: EMAIL,
      subject: `Thank you, ${FIRST}`,
      text: `Dear ${FIRST} ${LAST}, thanks for signing.`,
      html: `<p>Dear ${FIRST}</p>`,
      category: 'petition.thanks',
    });
    await app.services.mailer.send({
      to: 'organisers@campaign.example',
      subject: 'New signature',
      text: `${FIRST} ${LAST} <${EMAIL}> signed. Olive Other signed too.`,
      category: 'petition.notify',
    });
    await app.services.mailer.send({
      to: 'other@example.org',
      subject: 'Thank you, Olive',
      text: 'Dear Olive Other',
      category: 'petition.thanks',
    });
    await app.services.audit.record({
      actorUserId: null,
      action: 'petition.sign',
      details: { email: EMAIL, name: `${FIRST} ${LAST}` },
    });
    await saveSegment(
      app.services,
      { name: 'Find Zeb', filters: { q: 'zebedee' } },
      { id: organiserId, role: 'organiser' },
    );
  });
  after(() => app.close());

  it('exports everything stored on the person as JSON, and audits it', async () => {
    const res = await organiser.get(`/admin/people/${id}/export.json`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.match(
      String(res.headers['content-disposition']),
      new RegExp(`attachment; filename="person-${id}.json"`),
    );
    const data = res.json<PersonExport>();
    assert.equal(data.person.email, EMAIL);
    assert.equal(data.person.lastName, LAST);
    assert.equal(data.person.constituencyName, 'Doncaster Central');
    assert.deepEqual(data.person.customFields, { nickname: 'Zeb-the-great' });
    assert.equal(data.consents.length, 1);
    assert.match(data.consents[0]?.wording ?? '', /agree to campaign emails/);
    assert.deepEqual(
      data.activities.map((a) => a.kind),
      ['signed', 'consent'],
    );
    assert.deepEqual(data.activities[0]?.data, { comment: `${FIRST} says: call me on ${PHONE}` });
    assert.deepEqual(data.other['test-feature'], { note: `held for ${id}` });
    const audit = await app.services.audit.recent(5);
    const entry = audit.find((a) => a.action === 'person.export');
    assert.equal(entry?.subject_id, String(id));
    assert.equal(entry?.actor_user_id, organiserId);
    assert.doesNotMatch(JSON.stringify(entry), /zebedee/i);
  });

  it('refuses to erase unless the email is typed, and then erases nothing', async () => {
    const page = await organiser.get(`/admin/people/${id}/erase`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /cannot be undone/);
    for (const confirm of ['', 'yes', 'other@example.org']) {
      const res = await organiser.post(`/admin/people/${id}/erase`, { confirm });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /does not match/);
    }
    assert.equal((await getPerson(ctx.db, id))?.erasedAt, null);
  });

  it('erases: no trace of the email or names anywhere in the database', async () => {
    const before = await findEverywhere(ctx, NEEDLES);
    for (const where of [
      'people.email',
      'mail_outbox.to_address',
      'audit_log.details',
      'consents.wording',
      'activities.summary',
      'segments.filters',
    ])
      assert.ok(
        before.some((hit) => hit.startsWith(where)),
        `scan finds ${where} before erasure`,
      );
    const activitiesBefore = await repo.countActivities(ctx.db.kysely, id);

    await organiser.get(`/admin/people/${id}/erase`);
    const res = await organiser.post(`/admin/people/${id}/erase`, {
      confirm: ` ${EMAIL.toUpperCase()} `,
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/admin/people/${id}`);

    assert.deepEqual(await findEverywhere(ctx, NEEDLES), []);
    assert.equal(erasedByHandler.length, 1);
    assert.equal(erasedByHandler[0]?.personId, id);
    assert.ok(erasedByHandler[0]?.needles.includes(EMAIL));
    assert.ok(erasedByHandler[0]?.needles.includes(`${FIRST} ${LAST}`));

    const erased = await getPerson(ctx.db, id);
    assert.ok(erased?.erasedAt);
    assert.equal(erased.email, erasedEmail(id));
    assert.deepEqual(
      [erased.firstName, erased.lastName, erased.phone, erased.postcode],
      [null, null, null, null],
    );
    assert.deepEqual(erased.tags, []);
    assert.deepEqual(erased.customFields, {});
    assert.equal(await findPersonByEmail(ctx.db, EMAIL), undefined);

    // What they did still counts; what was said about them is gone; what they agreed to stays.
    assert.equal(await repo.countActivities(ctx.db.kysely, id), activitiesBefore);
    const signed = (await listActivities(ctx.db, id)).find((a) => a.kind === 'signed');
    assert.deepEqual([signed?.refType, signed?.refId, signed?.data], ['petition', '3', null]);
    const [consent] = await listConsentHistory(ctx.db, id);
    assert.match(consent?.wording ?? '', /^I, \[erased\] \[erased\], agree to campaign emails$/);

    // Someone else's data is untouched.
    const other = await getPerson(ctx.db, otherId);
    assert.equal(other?.lastName, 'Other');
    const outbox = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .selectAll()
      .orderBy('id')
      .execute();
    assert.equal(outbox[2]?.text_body, 'Dear Olive Other');
    assert.match(outbox[1]?.text_body ?? '', /Olive Other signed too/);

    const audit = await app.services.audit.recent(10);
    const entry = audit.find((a) => a.action === 'person.erase');
    assert.equal(entry?.subject_id, String(id));
    assert.equal(entry?.actor_user_id, organiserId);
    assert.ok(
      audit.some((a) => a.action === 'petition.sign'),
      'the trail itself is kept',
    );

    const page = await organiser.get(`/admin/people/${id}`);
    assert.match(page.body, /Erased\. Nothing now identifies this person\./);
    assert.match(page.body, /This person was erased/);
    const list = await organiser.get('/admin/people');
    assert.doesNotMatch(list.body, new RegExp(`/admin/people/${id}"`), 'not listed any more');
  });

  it('erasing twice changes nothing more', async () => {
    await organiser.get(`/admin/people/${id}`);
    const res = await organiser.post(`/admin/people/${id}/erase`, { confirm: erasedEmail(id) });
    assert.equal(res.statusCode, 303);
    const audit = await app.services.audit.recent(20);
    assert.equal(audit.filter((a) => a.action === 'person.erase').length, 1);
    // The same email can sign up again later as a new, unrelated person.
    const again = await upsertPerson(ctx.db, { email: EMAIL, source: 'petition:later' });
    assert.equal(again.outcome, 'created');
    assert.notEqual(again.id, id);
  });
});
