import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { nowIso } from '../../infra/db/database.js';
import { createTarget, createTargetList } from '../targets/targets.service.js';
import { DELIVERY_NAMES_PAGE_SIZE } from './petitions.admin.routes.js';
import { PETITIONS_PAGE_SIZE } from './petitions.public.routes.js';
import { type NewSignatureRow, SIGNATURE_EXPORT_CHUNK_ROWS } from './petitions.repository.js';

function csvRecords(body: string): string[][] {
  return parse(body);
}

describeEachDatabase('petitions: bounded work per request', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let n = 0;

  before(async () => {
    app = await createTestApp(ctx.db);
    organiser = await loginAs(app, 'organiser');
  });
  after(() => app.close());

  async function insertPetition(
    fields: { kind?: 'petition' | 'open_letter'; custom_question?: string | null } = {},
  ) {
    const now = nowIso();
    const slug = `bounded-${++n}`;
    return ctx.db.kysely
      .insertInto('petitions')
      .values({
        slug,
        kind: fields.kind ?? 'petition',
        title: `Bounded petition ${n}`,
        body: 'Body',
        target_list_id: null,
        target_ids: '[]',
        goal: 100,
        deadline: null,
        custom_question: fields.custom_question ?? null,
        eligibility: 'none',
        eligibility_label: null,
        thank_you: '',
        share_text: '',
        status: 'open',
        signature_count: 0,
        created_by: null,
        created_at: now,
        updated_at: now,
        published_at: now,
        closed_at: null,
        handed_in_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  function signature(
    petitionId: number,
    i: number,
    fields: Partial<NewSignatureRow> = {},
  ): NewSignatureRow {
    const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
    return {
      petition_id: petitionId,
      email: `signer${i}@example.org`,
      email_key: `signer${i}@example.org`,
      email_domain: 'example.org',
      name: `Signer ${i}`,
      postcode: 'LS28 5AB',
      constituency_code: null,
      constituency_name: null,
      answer: null,
      membership_number: null,
      verified: null,
      consent_email: 1,
      consent_wording: null,
      show_name: 1,
      status: 'confirmed',
      token_hash: `token-${petitionId}-${i}`,
      mailed_token_hash: null,
      ip: '203.0.113.1',
      disposable: 0,
      person_id: null,
      source: null,
      created_at: at,
      confirmed_at: at,
      last_mail_at: at,
      invalidated_at: null,
      ...fields,
    };
  }

  async function insertSignatures(rows: NewSignatureRow[]) {
    for (let i = 0; i < rows.length; i += 500)
      await ctx.db.kysely
        .insertInto('petition_signatures')
        .values(rows.slice(i, i + 500))
        .execute();
  }

  it('streams signatures.csv in chunks: every row once, in order, escaped, same columns', async () => {
    const p = await insertPetition({ custom_question: 'Why?' });
    const tricky = [
      { name: 'Comma, Person', answer: 'a "quoted" answer' },
      { name: 'Line\nBreak', answer: '=1+2' },
      { name: '@handle', answer: '-5', consent_email: 0 },
    ];
    const rows = Array.from({ length: 11 }, (_, i) => signature(p.id, i + 1, tricky[i] ?? {}));
    await insertSignatures(rows);
    // Another petition's signatures interleave by id and must not leak into this export.
    const other = await insertPetition();
    await insertSignatures([signature(other.id, 99)]);
    app.petitions.exportChunkRows = 4;
    try {
      const res = await organiser.get(`/admin/petitions/${p.id}/signatures.csv`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(String(res.headers['content-disposition']), /bounded-\d+-signatures\.csv/);
      assert.equal(res.headers['content-length'], undefined, 'streamed, not built in memory');
      const records = csvRecords(res.body);
      assert.deepEqual(records[0], [
        'name',
        'email',
        'postcode',
        'constituency',
        'status',
        'verified',
        'email_consent',
        'signed_at',
        'confirmed_at',
        'answer',
      ]);
      const body = records.slice(1);
      assert.deepEqual(
        body.map((r) => r[0]),
        ['Comma, Person', 'Line\nBreak', "'@handle", ...rows.slice(3).map((r) => r.name)],
      );
      assert.deepEqual(body[0], [
        'Comma, Person',
        'signer1@example.org',
        'LS28 5AB',
        '',
        'confirmed',
        '',
        'yes',
        rows[0]!.created_at,
        rows[0]!.confirmed_at,
        'a "quoted" answer',
      ]);
      assert.equal(body[1]?.[9], "'=1+2");
      assert.equal(body[2]?.[1], '', 'no email without consent');
      assert.equal(body[2]?.[9], "'-5");
    } finally {
      app.petitions.exportChunkRows = SIGNATURE_EXPORT_CHUNK_ROWS;
    }
  });

  it('streams an empty export as the header alone', async () => {
    const p = await insertPetition();
    const res = await organiser.get(`/admin/petitions/${p.id}/signatures.csv`);
    assert.equal(res.statusCode, 200);
    assert.equal(csvRecords(res.body).length, 1);
  });

  it('pages the names on the delivery page, oldest first, with the total', async () => {
    const p = await insertPetition({ kind: 'open_letter' });
    const total = DELIVERY_NAMES_PAGE_SIZE + 2;
    await insertSignatures([
      ...Array.from({ length: total }, (_, i) => signature(p.id, i + 1)),
      signature(p.id, total + 1, { show_name: 0, name: 'Hidden Person' }),
      signature(p.id, total + 2, { status: 'pending', name: 'Pending Person' }),
    ]);
    const names = (body: string) => [...body.matchAll(/<li>(Signer \d+)<\/li>/g)].map((m) => m[1]);
    const first = await organiser.get(`/admin/petitions/${p.id}/delivery`);
    assert.equal(first.statusCode, 200);
    assert.equal(names(first.body).length, DELIVERY_NAMES_PAGE_SIZE);
    assert.equal(names(first.body)[0], 'Signer 1');
    assert.match(first.body, new RegExp(`${total.toLocaleString('en-GB')} named signers`));
    assert.match(first.body, /Page 1 of 2/);
    assert.match(first.body, new RegExp(`href="/admin/petitions/${p.id}/delivery\\?page=2"`));
    assert.doesNotMatch(first.body, /Hidden Person|Pending Person/);

    const second = await organiser.get(`/admin/petitions/${p.id}/delivery?page=2`);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(names(second.body), [`Signer ${total - 1}`, `Signer ${total}`]);
    assert.match(
      second.body,
      new RegExp(`<ol class="pt-names" start="${DELIVERY_NAMES_PAGE_SIZE + 1}"`),
    );

    for (const bad of ['0', 'abc', '-1', '1.5', '1&page=2']) {
      const res = await organiser.get(`/admin/petitions/${p.id}/delivery?page=${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.body, /Pages of names are numbered 1, 2, 3/, bad);
    }
  });

  it('shows the ten constituencies with most confirmed signatures (ties by name) and the newest named signers', async () => {
    const p = await insertPetition({ kind: 'open_letter' });
    const counts: [string, number][] = [
      ['Zeta', 6],
      ['Alpha', 5],
      ...[
        'Oscar',
        'Kilo',
        'Bravo',
        'Lima',
        'Charlie',
        'Mike',
        'Delta',
        'November',
        'Echo',
        'Foxtrot',
      ].map((name): [string, number] => [name, 2]),
    ];
    let i = 0;
    const rows: NewSignatureRow[] = [];
    for (const [name, count] of counts)
      for (let k = 0; k < count; k++)
        rows.push(
          signature(p.id, ++i, { constituency_code: `C-${name}`, constituency_name: name }),
        );
    // Unconfirmed and hidden signers, newer than all the rest: never counted or named.
    for (let k = 0; k < 4; k++)
      rows.push(
        signature(p.id, ++i, {
          constituency_code: 'C-Pending',
          constituency_name: 'Pending',
          status: 'pending',
          confirmed_at: null,
        }),
      );
    rows.push(signature(p.id, i + 1, { name: 'Hidden Person', show_name: 0 }));
    await insertSignatures(rows);

    const page = await app.inject({ method: 'GET', url: `/p/${p.slug}` });
    assert.equal(page.statusCode, 200);
    const table = page.body.slice(page.body.indexOf('Signatures by constituency'));
    const shown = [...table.matchAll(/<td>([A-Za-z]+)<\/td><td class="num">(\d+)<\/td>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    assert.deepEqual(shown, [
      'Zeta 6',
      'Alpha 5',
      ...['Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Kilo', 'Lima', 'Mike'].map(
        (n) => `${n} 2`,
      ),
    ]);
    const recent = page.body.slice(
      page.body.indexOf('Signed by'),
      page.body.indexOf('Signatures by constituency'),
    );
    const named = [...recent.matchAll(/Signer (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      named,
      Array.from({ length: 10 }, (_, k) => 31 - k),
      'the ten newest confirmed signers who agreed to be named, newest first',
    );
    assert.doesNotMatch(page.body, /Hidden Person|Pending/);

    const open = await app.inject({ method: 'GET', url: `/p/${p.slug}.json` });
    const all = open.json<{ by_constituency: { name: string; count: number }[] }>().by_constituency;
    assert.equal(all.length, 13, 'the open data lists every constituency, not only the top ten');
    assert.deepEqual(all.slice(-2), [
      { code: 'C-Oscar', name: 'Oscar', count: 2 },
      { code: null, name: null, count: 1 },
    ]);
  });

  it('lists the delivery targets in the order chosen, one query for all of them', async () => {
    const list = await createTargetList(
      app.services,
      { name: 'Bounded councillors', slug: 'bounded-c', description: '' },
      null,
    );
    assert.ok(list.ok);
    const ids: number[] = [];
    for (const name of ['Cllr Alpha', 'Cllr Beta', 'Cllr Gamma']) {
      const t = await createTarget(app.services, { listId: list.list.id, fields: { name } }, null);
      assert.ok(t.ok);
      ids.push(t.target.id);
    }
    const p = await insertPetition();
    await ctx.db.kysely
      .updateTable('petitions')
      .set({ target_list_id: list.list.id, target_ids: JSON.stringify([ids[2], 999_999, ids[0]]) })
      .where('id', '=', p.id)
      .execute();
    const res = await organiser.get(`/admin/petitions/${p.id}/delivery`);
    assert.match(res.body, /To: Cllr Gamma, Cllr Alpha</);
  });

  it('pages the public index of open petitions; a bad page number is a 400', async () => {
    const before = (
      await ctx.db.kysely
        .selectFrom('petitions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow()
    ).n;
    const wanted = PETITIONS_PAGE_SIZE + 1 - Number(before);
    for (let i = 0; i < wanted; i++) await insertPetition();
    const titles = (body: string) =>
      [...body.matchAll(/>(Bounded petition \d+)</g)].map((m) => m[1]);
    const first = await app.inject('/petitions');
    assert.equal(first.statusCode, 200);
    assert.equal(titles(first.body).length, PETITIONS_PAGE_SIZE);
    assert.match(first.body, /Page 1 of 2/);
    assert.match(first.body, /href="\/petitions\?page=2"/);
    const second = await app.inject('/petitions?page=2');
    assert.equal(second.statusCode, 200);
    assert.equal(titles(second.body).length, 1);
    assert.ok(!titles(first.body).includes(titles(second.body)[0]), 'no petition on both pages');
    for (const bad of ['0', 'x', '99999999999', '1&page=2']) {
      const res = await app.inject(`/petitions?page=${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.body, /Pages of petitions are numbered 1, 2, 3/, bad);
    }
    const beyond = await app.inject('/petitions?page=3');
    assert.equal(beyond.statusCode, 404);
  });
});
