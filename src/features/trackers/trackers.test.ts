import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { createStaff, loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { assertForgedUploadRefused } from '../../../test/helpers/uploads.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { createTarget } from '../targets/targets.service.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseStatusCsv } from './trackers.csv.js';
import { MAX_FILTER_LENGTH } from './trackers.input.js';
import {
  EVIDENCE_URL_MAX_LENGTH,
  THRESHOLD_MAX,
  parseChangedAt,
  parseEvidenceUrl,
  validateTrackerForm,
} from './trackers.rules.js';
import * as service from './trackers.service.js';
import type { Tracker } from './trackers.service.js';
import { makeTargets, trackerForm, type TestTargets } from './trackers.test-support.js';

const NOBODY = null;
const NO_CHANGE = { evidenceUrl: '', note: '', changedAt: '' };

describe('tracker rules', () => {
  it('accepts http(s) evidence links only', () => {
    assert.deepEqual(parseEvidenceUrl(''), { ok: true, value: null });
    assert.deepEqual(parseEvidenceUrl(' https://example.org/a '), {
      ok: true,
      value: 'https://example.org/a',
    });
    for (const bad of ['javascript:alert(1)', 'ftp://example.org/x', 'example.org', 'https://'])
      assert.equal(parseEvidenceUrl(bad).ok, false, bad);
    assert.equal(
      parseEvidenceUrl(`https://example.org/${'a'.repeat(EVIDENCE_URL_MAX_LENGTH)}`).ok,
      false,
    );
  });

  it('reads dates the ways spreadsheets write them, and refuses impossible ones', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    assert.deepEqual(parseChangedAt('2025-03-01', now), {
      ok: true,
      value: '2025-03-01T00:00:00.000Z',
    });
    assert.deepEqual(parseChangedAt('01/03/2025 14:30', now), {
      ok: true,
      value: '2025-03-01T14:30:00.000Z',
    });
    assert.deepEqual(parseChangedAt('2025-03-01T14:30:00+01:00', now), {
      ok: true,
      value: '2025-03-01T13:30:00.000Z',
    });
    for (const bad of ['2025-02-31', 'yesterday', '2025-07-01', '1999-12-31'])
      assert.equal(parseChangedAt(bad, now).ok, false, bad);
  });

  it('checks the tracker form', () => {
    const result = validateTrackerForm({
      ...trackerForm(1),
      title: '',
      statuses: 'yes\nYES',
      countingStatuses: 'maybe',
      threshold: String(THRESHOLD_MAX + 1),
      letterSlug: 'Not A Slug',
      targetListId: 'x',
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(Object.keys(result.errors).sort(), [
      'countingStatuses',
      'initialStatus',
      'letterSlug',
      'statuses',
      'targetListId',
      'threshold',
      'title',
    ]);
  });
});

describe('status CSV parsing', () => {
  it('needs a target and a status column, and caps the rows', () => {
    const noStatus = parseStatusCsv(Buffer.from('name,evidence\nAlice,https://x.org\n'));
    assert.equal(noStatus.ok, false);
    if (!noStatus.ok) assert.match(noStatus.message, /a status column/);
    const big = `constituency_code,status\n${'E14000886,nominated\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    const tooMany = parseStatusCsv(Buffer.from(big));
    assert.equal(tooMany.ok, false);
    if (!tooMany.ok) assert.equal(tooMany.status, 413);
    const ok = parseStatusCsv(
      Buffer.from('Constituency Code;Status;Evidence URL;Notes;Extra\nE14000886;nominated;;hi;x\n'),
    );
    assert.ok(ok.ok);
    if (!ok.ok) return;
    assert.deepEqual(ok.ignoredColumns, ['Extra']);
    assert.deepEqual(ok.rows[0], {
      line: 2,
      target: 'E14000886',
      targetColumn: 'division_code',
      change: { status: 'nominated', evidenceUrl: '', note: 'hi', changedAt: '' },
    });
  });
});

/** The page's text with its markup's line breaks and indents folded to single spaces. */
function flat(body: string): string {
  return body.replace(/\s+/g, ' ');
}

describeEachDatabase('trackers', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let viewer: TestClient;
  let tctx: ServiceContext;
  let targets: TestTargets;

  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db);
    tctx = app.services;
    targets = await makeTargets(ctx.db);
    organiser = await loginAs(app, 'organiser', { name: 'Olive Organiser' });
    viewer = await loginAs(app, 'viewer');
  });
  after(() => app.close());

  async function newTracker(
    overrides: Parameters<typeof trackerForm>[1] = {},
    listId = targets.listId,
  ): Promise<Tracker> {
    const created = await service.createTracker(tctx, trackerForm(listId, overrides), NOBODY);
    assert.ok(created.ok, JSON.stringify(created));
    return created.record;
  }

  const board = async (t: Tracker) => service.loadBoard(tctx, t);
  const statusOf = async (t: Tracker, targetId: number) =>
    (await board(t)).entries.find((e) => e.targetId === targetId)?.status;
  /** Moves a target of `t` to `status`, with no evidence, note or date and no one signed in. */
  const setStatus = (t: Tracker, targetId: number, status: string) =>
    service.changeStatus(tctx, { tracker: t, targetId, change: { ...NO_CHANGE, status } }, NOBODY);

  it('covers one party’s targets, each at the starting status', async () => {
    const t = await newTracker();
    const b = await board(t);
    assert.deepEqual(b.entries.map((e) => e.name).sort(), ['Alice Able', 'Bob Brown', 'Dan Doe']);
    assert.ok(b.entries.every((e) => e.status === 'no reply' && e.changedAt === null));
    assert.equal(b.count, 0);
    assert.deepEqual(b.parties, ['Labour', 'Labour (Co-op)']);
    assert.deepEqual(b.regions, ['South West', 'Yorkshire and The Humber']);

    const whole = await newTracker({ parties: [] });
    assert.equal((await board(whole)).entries.length, 5);

    const unknownParty = await service.createTracker(
      tctx,
      trackerForm(targets.listId, { parties: ['Whig'] }),
      NOBODY,
    );
    assert.ok(!unknownParty.ok && /no targets of Whig/.test(unknownParty.errors.parties ?? ''));
    const taken = await service.createTracker(
      tctx,
      trackerForm(targets.listId, { slug: t.slug }),
      NOBODY,
    );
    assert.ok(!taken.ok && /taken/.test(taken.errors.slug ?? ''));
  });

  it('records each change in the history, keeps the current status, and counts toward the threshold', async () => {
    const t = await newTracker({ countingStatuses: 'nominated, pledged' });
    const { Alice, Bob, Dan } = targets.ids as { Alice: number; Bob: number; Dan: number };
    const olive = await createStaff(ctx.db, { role: 'organiser', name: 'Olive' });
    const actor = { id: olive.id, role: 'organiser' as const };
    /** Olive changes a target of `t`. */
    const change = (targetId: number, fields: Partial<typeof NO_CHANGE> & { status: string }) =>
      service.changeStatus(
        tctx,
        { tracker: t, targetId, change: { ...NO_CHANGE, ...fields } },
        actor,
      );
    const signed = { status: 'nominated', evidenceUrl: 'https://example.org/a2', note: 'Signed' };
    const first = await change(Alice, { status: 'Pledged', evidenceUrl: 'https://example.org/a1' });
    assert.deepEqual(first, { ok: true, outcome: 'recorded', status: 'pledged' });
    await change(Alice, signed);
    await change(Bob, { status: 'declined' });
    let b = await board(t);
    assert.equal(b.count, 1, 'nominated counts; declined does not');
    const alice = b.entries.find((e) => e.targetId === Alice);
    assert.equal(alice?.status, 'nominated');
    assert.equal(alice?.evidenceUrl, 'https://example.org/a2');
    assert.equal(alice?.changedBy, 'Olive');
    assert.equal(b.entries[0]?.targetId, Alice, 'the board lists statuses in their order');

    await change(Dan, { status: 'pledged' });
    b = await board(t);
    assert.equal(b.count, 2, 'pledged counts too');
    assert.deepEqual(
      b.statusCounts.map((s) => [s.status, s.targets, s.counts]),
      [
        ['nominated', 1, true],
        ['pledged', 1, true],
        ['undecided', 0, false],
        ['declined', 1, false],
        ['no reply', 0, false],
      ],
    );

    const history = await service.targetHistory(tctx, { tracker: t, entry: alice });
    assert.deepEqual(
      history.map((h) => [h.status, h.evidenceUrl, h.note]),
      [
        ['nominated', 'https://example.org/a2', 'Signed'],
        ['pledged', 'https://example.org/a1', null],
      ],
    );

    const again = await change(Alice, signed);
    assert.ok(again.ok && again.outcome === 'unchanged');
    const backdated = await change(Alice, { status: 'undecided', changedAt: '2024-01-05' });
    assert.ok(backdated.ok && backdated.outcome === 'past');
    assert.equal(
      await statusOf(t, Alice),
      'nominated',
      'an older change does not undo a newer one',
    );
    const all = await service.trackerHistory(tctx, { tracker: t, board: await board(t), page: 1 });
    assert.equal(all.total, 5);
    assert.equal(all.entries.at(-1)?.status, 'undecided', 'the back-dated change sorts oldest');
  });

  it('refuses bad changes with a message for each', async () => {
    const t = await newTracker();
    const alice = targets.ids.Alice as number;
    const bad = await service.changeStatus(
      tctx,
      {
        tracker: t,
        targetId: alice,
        change: {
          status: 'elected',
          evidenceUrl: 'javascript:alert(1)',
          note: 'x'.repeat(2000),
          changedAt: '3000-01-01',
        },
      },
      NOBODY,
    );
    assert.ok(!bad.ok && 'errors' in bad);
    assert.deepEqual(Object.keys(bad.errors).sort(), [
      'changedAt',
      'evidenceUrl',
      'note',
      'status',
    ]);
    const carol = await setStatus(t, targets.ids.Carol as number, 'nominated');
    assert.deepEqual(carol, { ok: false, notFound: true }, 'Carol is not in a Labour tracker');
    assert.equal(await statusOf(t, alice), 'no reply');
  });

  it('imports status changes from CSV with exact counts and a line for each bad row', async () => {
    const t = await newTracker();
    const csv = [
      'target,status,evidence_url,note,changed_at',
      'E14000886,nominated,https://example.org/e1,,2025-01-02', // Alice by constituency code
      'Bristol West,pledged,,,', // Bob by constituency name
      'Dan Doe,maybe,,,', // unknown status
      'Carol Chu,nominated,,,', // not in this tracker
      `${targets.ids.Dan},declined,ftp://example.org/x,,`, // bad evidence link
      ',nominated,,,', // no target
      'E14000886,nominated,https://example.org/e1,,2025-01-02', // same again: unchanged
      'Leeds West,undecided,,,tomorrow', // bad date
    ].join('\n');
    const parsed = parseStatusCsv(Buffer.from(csv));
    assert.ok(parsed.ok);
    if (!parsed.ok) return;

    const dry = await service.importStatusChanges(
      tctx,
      { tracker: t, rows: parsed.rows, dryRun: true },
      NOBODY,
    );
    assert.deepEqual(
      { applied: dry.applied, unchanged: dry.unchanged, rejected: dry.rejected.length },
      { applied: 2, unchanged: 1, rejected: 5 },
    );
    assert.equal(
      await statusOf(t, targets.ids.Alice as number),
      'no reply',
      'a dry run saves nothing',
    );

    const report = await service.importStatusChanges(
      tctx,
      { tracker: t, rows: parsed.rows, dryRun: false },
      NOBODY,
    );
    assert.equal(report.rows, 8);
    assert.equal(report.applied, 2);
    assert.equal(report.past, 0);
    assert.equal(report.unchanged, 1);
    assert.deepEqual(
      report.rejected.map((r) => r.line),
      [4, 5, 6, 7, 9],
    );
    assert.match(report.rejected[0]?.reasons.join(' ') ?? '', /"maybe" is not a status/);
    assert.match(
      report.rejected[1]?.reasons.join(' ') ?? '',
      /No target of this tracker matches "Carol Chu"/,
    );
    assert.match(report.rejected[2]?.reasons.join(' ') ?? '', /https/);
    assert.match(report.rejected[3]?.reasons.join(' ') ?? '', /target is missing/);
    assert.match(report.rejected[4]?.reasons.join(' ') ?? '', /not a date/);
    const b = await board(t);
    assert.equal(b.count, 1);
    const alice = b.entries.find((e) => e.targetId === targets.ids.Alice);
    assert.equal(alice?.changedAt, '2025-01-02T00:00:00.000Z');
    assert.equal(await statusOf(t, targets.ids.Bob as number), 'pledged');
    const history = await service.trackerHistory(tctx, { tracker: t, board: b, page: 1 });
    assert.equal(history.total, 2);
    assert.ok(history.entries.every((h) => h.source === 'csv'));
  });

  it('keeps statuses in use, and adds targets who join the party later', async () => {
    // A list of its own: the target who joins must not join the other tests' trackers.
    const own = await makeTargets(ctx.db);
    const t = await newTracker({}, own.listId);
    await setStatus(t, own.ids.Alice as number, 'declined');
    const form = trackerForm(own.listId, {
      statuses: 'nominated\npledged\nno reply',
      title: 'Renamed',
    });
    const refused = await service.updateTracker(tctx, { tracker: t, form }, NOBODY);
    assert.ok(!refused.ok && /"declined"/.test(refused.errors.statuses ?? ''));

    const joined = await createTarget(
      app.services,
      {
        listId: own.listId,
        fields: { name: 'Fay Fox', party: 'Labour', division_code: 'E14000870' },
      },
      null,
    );
    assert.ok(joined.ok);
    const saved = await service.updateTracker(
      tctx,
      { tracker: t, form: { ...form, statuses: 'nominated\npledged\ndeclined\nno reply' } },
      NOBODY,
    );
    assert.ok(saved.ok);
    assert.equal(saved.added, 1);
    assert.equal(saved.record.title, 'Renamed');
    assert.equal(saved.record.slug, t.slug, 'the slug stays');
    const fay = (await board(saved.record)).entries.find((e) => e.name === 'Fay Fox');
    assert.equal(fay?.status, 'no reply');
    assert.equal(fay?.region, 'North West');
  });

  describe('over HTTP', () => {
    it('sends anonymous visitors to log in, lets viewers read, and refuses their edits', async () => {
      const t = await newTracker();
      const anon = await app.inject({ url: '/admin/trackers', headers: { accept: 'text/html' } });
      assert.equal(anon.statusCode, 302);
      assert.match(String(anon.headers.location), /^\/login/);
      for (const url of [
        '/admin/trackers',
        `/admin/trackers/${t.id}`,
        `/admin/trackers/${t.id}/history`,
        `/admin/trackers/${t.id}/targets/${targets.ids.Alice}`,
      ]) {
        const res = await viewer.get(url);
        assert.equal(res.statusCode, 200, url);
        assert.doesNotMatch(res.body, /Save the change|New tracker/, `${url}: no edit controls`);
      }
      for (const url of [
        '/admin/trackers/new',
        `/admin/trackers/${t.id}/edit`,
        `/admin/trackers/${t.id}/import`,
      ])
        assert.equal((await viewer.get(url)).statusCode, 403, url);
      await viewer.get(`/admin/trackers/${t.id}`);
      const post = await viewer.post(
        `/admin/trackers/${t.id}/targets/${targets.ids.Alice}/status`,
        {
          status: 'nominated',
        },
      );
      assert.equal(post.statusCode, 403);
      assert.equal(await statusOf(t, targets.ids.Alice as number), 'no reply');
      const create = await viewer.post('/admin/trackers', trackerFormBody());
      assert.equal(create.statusCode, 403);
    });

    function trackerFormBody(overrides: Record<string, string | string[]> = {}) {
      const f = trackerForm(targets.listId);
      return {
        title: f.title,
        slug: f.slug,
        description: f.description,
        targetListId: f.targetListId,
        parties: f.parties,
        statuses: f.statuses,
        countingStatuses: f.countingStatuses,
        initialStatus: f.initialStatus,
        countNoun: f.countNoun,
        threshold: f.threshold,
        letterSlug: 'write-to-your-mp',
        stormSlug: 'climate-storm',
        published: '1',
        ...overrides,
      };
    }

    it('creates a tracker from the form, changes a status, and shows it on the public board and JSON', async () => {
      const form = await organiser.get('/admin/trackers/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Labour \(Co-op\)/);
      const bad = await organiser.post('/admin/trackers', trackerFormBody({ threshold: '0' }));
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /role="alert"/);
      assert.match(bad.body, /threshold must be a whole number/);

      const body = trackerFormBody();
      const created = await organiser.post('/admin/trackers', body);
      assert.equal(created.statusCode, 303, created.body.slice(0, 800));
      const adminUrl = String(created.headers.location);
      const slug = body.slug;

      const before = await app.inject(`/trackers/${slug}`);
      assert.equal(before.statusCode, 200);
      assert.match(
        flat(before.body),
        /<strong data-tk-count>0<\/strong>\s*nominations of the 2 needed/,
      );
      assert.match(flat(before.body), /<progress[^>]*max="2"[^>]*value="0"/);
      assert.match(flat(before.body), /href="\/letters\/write-to-your-mp\?target=\d+"/);
      assert.match(flat(before.body), /href="\/storms\/climate-storm"/);
      assert.match(flat(before.body), /href="https:\/\/x.com\/alice_able"/);
      assert.match(flat(before.body), /href="https:\/\/bsky.app\/profile\/alice.bsky.social"/);
      assert.match(flat(before.body), /href="https:\/\/mastodon.social\/@alice"/);
      assert.match(flat(before.body), /<script src="\/assets\/js\/trackers.js" defer><\/script>/);

      await organiser.get(adminUrl);
      const changed = await organiser.post(`${adminUrl}/targets/${targets.ids.Alice}/status`, {
        status: 'nominated',
        evidenceUrl: 'https://example.org/alice-nominates',
        back: `${adminUrl}?party=Labour`,
      });
      assert.equal(changed.statusCode, 303);
      assert.equal(changed.headers.location, `${adminUrl}?party=Labour`);
      const evil = await organiser.post(`${adminUrl}/targets/${targets.ids.Bob}/status`, {
        status: 'pledged',
        back: 'https://evil.example/',
      });
      assert.equal(evil.headers.location, adminUrl, 'never an open redirect');

      const after = await app.inject(`/trackers/${slug}`);
      assert.match(
        flat(after.body),
        /<strong data-tk-count>1<\/strong>/,
        'the change shows at once',
      );
      assert.match(flat(after.body), /href="https:\/\/example.org\/alice-nominates"/);

      const json = await app.inject(`/trackers/${slug}.json`);
      assert.equal(json.statusCode, 200);
      assert.equal(json.headers['access-control-allow-origin'], '*');
      const data = json.json<{
        count: number;
        threshold: number;
        threshold_reached: boolean;
        statuses: Array<{ status: string; targets: number }>;
        targets: Array<{
          id: number;
          name: string;
          status: string;
          evidence_url: string | null;
          changed_at: string | null;
          region: string | null;
          division: { code: string | null };
          handles: { twitter: string | null };
          contact: { letter: string | null; storm: string | null };
        }>;
      }>();
      assert.equal(data.count, 1);
      assert.equal(data.threshold, 2);
      assert.equal(data.threshold_reached, false);
      assert.equal(data.targets.length, 3);
      const alice = data.targets.find((x) => x.id === targets.ids.Alice);
      assert.equal(alice?.status, 'nominated');
      assert.equal(alice?.evidence_url, 'https://example.org/alice-nominates');
      assert.ok(alice?.changed_at);
      assert.equal(alice?.region, 'Yorkshire and The Humber');
      assert.equal(alice?.division.code, 'E14000886');
      assert.equal(alice?.handles.twitter, 'alice_able');
      assert.match(
        alice?.contact.letter ?? '',
        new RegExp(`/letters/write-to-your-mp\\?target=${targets.ids.Alice}$`),
      );
      assert.equal(data.targets.find((x) => x.id === targets.ids.Dan)?.evidence_url, null);

      const history = await viewer.get(`${adminUrl}/history`);
      assert.match(flat(history.body), /Olive Organiser/);
      assert.match(flat(history.body), /2 status changes/);

      const list = await app.inject('/trackers');
      assert.match(list.body, new RegExp(`href="/trackers/${slug}"`));
    });

    it('filters the public board by party, region and status', async () => {
      const t = await newTracker();
      await setStatus(t, targets.ids.Dan as number, 'undecided');
      app.trackerBoards.forget(t.slug);
      const names = async (query: string) => {
        const res = await app.inject(`/trackers/${t.slug}${query}`);
        assert.equal(res.statusCode, 200);
        return [...res.body.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]).sort();
      };
      assert.deepEqual(await names(''), ['Alice Able', 'Bob Brown', 'Dan Doe']);
      assert.deepEqual(await names('?party=Labour'), ['Alice Able', 'Dan Doe']);
      assert.deepEqual(await names('?region=South+West'), ['Bob Brown']);
      assert.deepEqual(await names('?status=undecided'), ['Dan Doe']);
      assert.deepEqual(
        await names('?party=Labour&region=Yorkshire+and+The+Humber&status=no+reply'),
        ['Alice Able'],
      );
      const none = await app.inject(`/trackers/${t.slug}?party=Whig`);
      assert.match(none.body, /No targets match these filters/);
      const form = await app.inject(`/trackers/${t.slug}?party=Labour`);
      assert.match(form.body, /<form method="get" action="\/trackers\/[^"]+" class="filters"/);
      assert.match(form.body, /<option value="Labour" selected>/);
    });

    it('answers bad input with a 4xx and a message', async () => {
      const t = await newTracker();
      const base = `/admin/trackers/${t.id}`;
      await organiser.get(base);
      const badLink = await organiser.post(`${base}/targets/${targets.ids.Alice}/status`, {
        status: 'nominated',
        evidenceUrl: 'javascript:alert(1)',
      });
      assert.equal(badLink.statusCode, 422);
      assert.match(badLink.body, /role="alert"/);
      assert.match(badLink.body, /evidence link must start with https/);
      const badStatus = await organiser.post(`${base}/targets/${targets.ids.Alice}/status`, {
        status: 'elected',
      });
      assert.equal(badStatus.statusCode, 422);
      assert.match(badStatus.body, /&quot;elected&quot; is not a status of this tracker/);
      const notInTracker = await organiser.post(`${base}/targets/${targets.ids.Carol}/status`, {
        status: 'nominated',
      });
      assert.equal(notInTracker.statusCode, 404);
      assert.equal(
        (await organiser.post(`${base}/targets/999999/status`, { status: 'nominated' })).statusCode,
        404,
      );
      assert.equal((await organiser.get('/admin/trackers/999999')).statusCode, 404);
      assert.equal((await organiser.get('/admin/trackers/abc')).statusCode, 404);
      assert.equal(await statusOf(t, targets.ids.Alice as number), 'no reply');

      assert.equal((await app.inject('/trackers/no-such-tracker')).statusCode, 404);
      const json404 = await app.inject('/trackers/no-such-tracker.json');
      assert.equal(json404.statusCode, 404);
      assert.equal(json404.json<{ message: string }>().message, 'No such tracker.');

      const hidden = await newTracker({ published: false });
      assert.equal((await app.inject(`/trackers/${hidden.slug}`)).statusCode, 404);
      assert.equal((await app.inject(`/trackers/${hidden.slug}.json`)).statusCode, 404);
      assert.equal((await viewer.get(`/admin/trackers/${hidden.id}`)).statusCode, 200);

      await organiser.get(`${base}/edit`);
      const edit = await organiser.post(base, {
        title: 'x',
        statuses: 'only',
        countingStatuses: 'only',
        initialStatus: 'only',
        threshold: 'lots',
      });
      assert.equal(edit.statusCode, 422);
      assert.match(edit.body, /at least two statuses/);
    });

    it('refuses a repeated field or a malformed id with a clear 4xx', async () => {
      const t = await newTracker();
      const base = `/admin/trackers/${t.id}`;
      await organiser.get('/admin/trackers/new');
      const create = await organiser.post(
        '/admin/trackers',
        trackerFormBody({ title: ['One', 'Two'] }),
      );
      assert.equal(create.statusCode, 400, create.body.slice(0, 300));
      assert.match(create.body, /In the form, title: /);
      await organiser.get(`${base}/edit`);
      const update = await organiser.post(base, trackerFormBody({ threshold: ['1', '2'] }));
      assert.equal(update.statusCode, 400);
      assert.match(update.body, /In the form, threshold: /);
      await organiser.get(base);
      const change = await organiser.post(`${base}/targets/${targets.ids.Alice}/status`, {
        status: ['nominated', 'declined'],
      });
      assert.equal(change.statusCode, 400);
      assert.match(change.body, /In the form, status: /);
      assert.equal(await statusOf(t, targets.ids.Alice as number), 'no reply');

      const filters = await app.inject(`/trackers/${t.slug}?party=Labour&party=Green`);
      assert.equal(filters.statusCode, 400);
      assert.match(filters.body, /In the address, party: /);
      const longFilter = await viewer.get(`${base}?region=${'x'.repeat(MAX_FILTER_LENGTH + 1)}`);
      assert.equal(longFilter.statusCode, 400);
      assert.match(longFilter.body, /In the address, region: /);
      assert.equal(
        (await viewer.get(`${base}?region=${'x'.repeat(MAX_FILTER_LENGTH)}`)).statusCode,
        200,
      );

      for (const url of [
        '/admin/trackers/abc/edit',
        '/admin/trackers/2147483648',
        `${base}/targets/abc`,
        `${base}/targets/2147483648`,
        '/admin/trackers/0/history',
      ])
        assert.equal((await organiser.get(url)).statusCode, 404, url);
      await organiser.get(base);
      assert.equal(
        (await organiser.post(`${base}/targets/01/status`, { status: 'nominated' })).statusCode,
        404,
      );
    });

    it('imports a CSV upload, with a dry run first', async () => {
      const t = await newTracker();
      const base = `/admin/trackers/${t.id}`;
      await organiser.get(`${base}/import`);
      const csv =
        'constituency,status,evidence_url\nPudsey,nominated,https://example.org/p\nNowhere,nominated,\nLeeds West,nope,\n';
      const dry = await organiser.postMultipart(
        `${base}/import`,
        { dryRun: '1' },
        {
          file: { filename: 'changes.csv', content: csv },
        },
      );
      assert.equal(dry.statusCode, 200, dry.body.slice(0, 500));
      assert.match(flat(dry.body), /Dry run of changes.csv: 3 rows. 1 would be applied/);
      assert.match(flat(dry.body), /2 would be rejected/);
      assert.match(flat(dry.body), /Nothing has been saved/);
      assert.equal(await statusOf(t, targets.ids.Alice as number), 'no reply');

      await organiser.get(`${base}/import`);
      const real = await organiser.postMultipart(
        `${base}/import`,
        {},
        {
          file: { filename: 'changes.csv', content: csv },
        },
      );
      assert.equal(real.statusCode, 200);
      assert.match(
        flat(real.body),
        /Imported changes.csv: 3 rows. 1 were applied, 0 were added to the history only \(the target has a later change\), 0 changed nothing, 2 were rejected/,
      );
      assert.match(flat(real.body), /No target of this tracker matches &quot;Nowhere&quot;/);
      assert.equal(await statusOf(t, targets.ids.Alice as number), 'nominated');
      const pub = await app.inject(`/trackers/${t.slug}`);
      assert.match(flat(pub.body), /<strong data-tk-count>1<\/strong>/);

      await organiser.get(`${base}/import`);
      const noStatus = await organiser.postMultipart(
        `${base}/import`,
        {},
        {
          file: { filename: 'x.csv', content: 'name\nAlice Able\n' },
        },
      );
      assert.equal(noStatus.statusCode, 400);
      assert.match(noStatus.body, /needs a status column/);
      const forged = await organiser.postMultipart(
        `${base}/import`,
        { _csrf: 'forged' },
        { file: { filename: 'changes.csv', content: csv } },
      );
      assert.equal(forged.statusCode, 403);
    });

    it('refuses a forged upload with 403 before reading its file, and an oversized one with 413', async () => {
      const t = await newTracker();
      const base = `/admin/trackers/${t.id}`;
      const oversized = {
        file: { filename: 'big.csv', content: Buffer.alloc(MAX_IMPORT_BYTES + 1, 'a') },
      };
      await assertForgedUploadRefused(organiser, `${base}/import`, MAX_IMPORT_BYTES);
      await organiser.get(`${base}/import`);
      const tooLarge = await organiser.postMultipart(`${base}/import`, {}, oversized);
      assert.equal(tooLarge.statusCode, 413);
      assert.match(tooLarge.body, /larger than 1 MB/);
    });
  });
});
