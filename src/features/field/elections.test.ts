import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { runRally } from '../../../test/helpers/cli.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { assertForgedUploadRefused } from '../../../test/helpers/uploads.js';
import { ManualClock } from '../../infra/clock/clock.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { ELECTION_CSV_MAX_BYTES } from './elections.service.js';
import { getFieldPlan, rankSeatsFor, setFieldPlan } from './field.service.js';
import { nearestMarginal } from './nearest.service.js';

const PUDSEY = 'E14000886';
const LEEDS_NORTH_EAST = 'E14000779';
const KENSINGTON = 'E14000768';
const DUDLEY_NORTH = 'E14000671';

/** The 2019 results-by-constituency shape, the columns it must have (names are optional). */
const HEADER_2019 = [
  'ONS ID',
  'Constituency name',
  'Member first name',
  'Member surname',
  'Result',
  'First party',
  'Second party',
  'Electorate',
  'Valid votes',
  'Invalid votes',
  'Majority',
  'Con',
  'Lab',
  'LD',
  'BRX',
  'Green',
  'SNP',
  'PC',
  'DUP',
  'SF',
  'SDLP',
  'UUP',
  'APNI',
  'All other candidates',
];
const PARTIES_2019 = HEADER_2019.slice(11);

/** One seat in the 2019 shape; majority and places worked out from the votes. */
function row2019(
  code: string,
  name: string,
  electorate: number,
  invalid: number,
  votes: Record<string, number>,
  over: Record<string, string> = {},
): string {
  const ranked = Object.entries(votes).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked as [[string, number], [string, number]];
  const valid = ranked.reduce((n, [, v]) => n + v, 0);
  const cells: Record<string, string> = {
    'ONS ID': code,
    'Constituency name': name,
    'Member first name': 'Test',
    'Member surname': 'Member',
    Result: `${first[0]} hold`,
    'First party': first[0],
    'Second party': second[0],
    Electorate: String(electorate),
    'Valid votes': String(valid),
    'Invalid votes': String(invalid),
    Majority: String(first[1] - second[1]),
    ...Object.fromEntries(PARTIES_2019.map((p) => [p, String(votes[p] ?? 0)])),
    ...over,
  };
  return HEADER_2019.map((h) => cells[h] ?? '').join(',');
}

/** Four seats of a made-up election: Labour 1,000 behind in Kensington and 3,000 in Pudsey. */
const CSV_2019 = [
  HEADER_2019.join(','),
  row2019(PUDSEY, 'Pudsey', 70_000, 100, { Con: 23_000, Lab: 20_000, LD: 2_000, Green: 1_000 }),
  row2019(KENSINGTON, 'Kensington', 65_000, 80, { Con: 20_000, Lab: 19_000, LD: 5_000 }),
  row2019(DUDLEY_NORTH, 'Dudley North', 60_000, 50, { Lab: 15_000, Con: 14_000, BRX: 1_000 }),
  row2019(LEEDS_NORTH_EAST, 'Leeds North East', 70_000, 90, { Lab: 30_000, Con: 10_000 }),
].join('\n');

/** Two seats in the 2017 constituency-results shape, for the command line. */
const CSV_2017 = [
  'id,constituency_name,result,first_party,second_party,electorate,valid_votes,invalid_votes,majority,con,lab,ld,ukip,green,snp,pc,dup,sf,sdlp,uup,alliance,other',
  `${PUDSEY},Pudsey,Con hold,Con,Lab,71000,50000,120,500,24000,23500,1500,1000,0,0,0,0,0,0,0,0,0`,
  `${LEEDS_NORTH_EAST},Leeds North East,Lab hold,Lab,Con,70000,48000,100,9000,18000,27000,2000,1000,0,0,0,0,0,0,0,0,0`,
].join('\n');

describeEachDatabase('field: importing more elections from CSV', (ctx) => {
  let app: FastifyInstance;
  let organiser: TestClient;
  let dir: string;
  const clock = new ManualClock('2026-06-01T09:00:00Z');

  before(async () => {
    await loadUkConstituencies(ctx.db);
    app = await createTestApp(ctx.db, {}, { clock });
    organiser = await loginAs(app, 'organiser');
    dir = mkdtempSync(join(tmpdir(), 'rally-elections-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app.close();
  });

  const upload = async (
    csv: string | Buffer,
    fields: Record<string, string>,
    client: TestClient = organiser,
  ) => {
    await client.get('/admin/field/seats?party=lab&election=2017');
    return client.postMultipart('/admin/field/elections', fields, {
      file: { filename: 'results.csv', content: csv },
    });
  };
  const stored = async () => ({
    elections: (await ctx.db.kysely.selectFrom('field_elections').selectAll().execute()).length,
    results: (await ctx.db.kysely.selectFrom('field_election_results').select('code').execute())
      .length,
  });

  it('imports a 2019-shaped file through the seats page and ranks, maps and plans on it', async () => {
    const res = await upload(CSV_2019, { name: '2015-Test' });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/admin/field/seats?party=Lab&election=2015-test');
    const page = await organiser.get(res.headers.location);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Imported 4 seats as the election &quot;2015-test&quot;/);
    assert.match(page.body, /<option value="2015-test" selected/);
    assert.match(page.body, /Labour in 2015-test: 2 seats to win,\s+2 held/);
    // Kensington (1,000 of 44,000) before Pudsey (3,000 of 46,000).
    const rows = [...page.body.matchAll(/<tr data-code="([A-Z]\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(rows, [KENSINGTON, PUDSEY]);
    // The map draws every hex; seats without a result in this election stay faint.
    const svg = /<svg class="hexmap"[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
    assert.equal((svg.match(/<path /g) ?? []).length, 650);
    assert.equal((svg.match(/fill-opacity="0\.2"/g) ?? []).length, 646);
    assert.match(svg, /data-code="E14000886"><title>Pudsey: Conservative, majority 6\.5%/);
    assert.match(page.body, /<td>2015-test<\/td>|>2015-test<\/a>/);

    const r = await rankSeatsFor(app.services, { party: 'lab', election: '2015-TEST' });
    assert.equal(r.election, '2015-test');
    const pudsey = r.win.find((s) => s.code === PUDSEY)!;
    // Con 23,000, Lab 20,000 of 46,000 valid (100 invalid), electorate 70,000.
    assert.equal(pudsey.majority, 3_000);
    assert.ok(Math.abs(pudsey.swing - 3_000 / 46_000 / 2) < 1e-12);
    assert.ok(Math.abs(pudsey.turnout - 46_100 / 70_000) < 5e-5);
    assert.deepEqual(
      r.defend.map((s) => [s.code, s.majority]),
      [
        [DUDLEY_NORTH, 1_000],
        [LEEDS_NORTH_EAST, 20_000],
      ],
    );

    // Planned on the imported election with no targets marked, nearest marginal uses it.
    await setFieldPlan(app.services, { party: 'lab', election: '2015-test' }, null);
    assert.deepEqual(await getFieldPlan(app.services), { party: 'Lab', election: '2015-test' });
    const near = await nearestMarginal(app.services, 'LS28 5AB');
    assert.equal(near.status, 'found');
    if (near.status !== 'found') return;
    assert.equal(near.basis, 'marginal');
    assert.deepEqual(
      near.nearest.map((s) => [s.code, s.why]),
      [
        [PUDSEY, 'Lost by 3,000 votes in 2015-test'],
        [DUDLEY_NORTH, 'Held by 1,000 votes in 2015-test'],
        [KENSINGTON, 'Lost by 1,000 votes in 2015-test'],
      ],
    );
    assert.equal(near.ownSeat.isTarget, true);
    await setFieldPlan(app.services, { party: 'lab', election: '2017' }, null);
  });

  it('refuses a second import under the same name unless replaced explicitly, and the shipped names', async () => {
    const again = await upload(CSV_2019, { name: 'dup-test' });
    assert.equal(again.statusCode, 303);
    const before = await stored();
    const refused = await upload(CSV_2017, { name: 'Dup-Test' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /An election named &quot;dup-test&quot; is already imported/);
    assert.deepEqual(await stored(), before);
    const replaced = await upload(CSV_2017, { name: 'dup-test', replace: '1' });
    assert.equal(replaced.statusCode, 303);
    const page = await organiser.get(replaced.headers.location as string);
    assert.match(page.body, /Imported 2 seats as the election &quot;dup-test&quot;, replacing/);
    const r = await rankSeatsFor(app.services, { party: 'lab', election: 'dup-test' });
    assert.deepEqual(
      [...r.win, ...r.defend].map((s) => s.code),
      [PUDSEY, LEEDS_NORTH_EAST],
    );
    const shipped = await upload(CSV_2019, { name: '2017', replace: '1' });
    assert.equal(shipped.statusCode, 409);
    assert.match(shipped.body, /2017 and 2019 are the shipped results/);
    const badName = await upload(CSV_2019, { name: 'x/../y' });
    assert.equal(badName.statusCode, 422);
    assert.match(badName.body, /letters, digits, hyphens or underscores/);
  });

  it('names missing columns, lists unknown seat codes and refuses bad counts, saving nothing', async () => {
    const before = await stored();
    const missing = await upload(
      CSV_2019.replace(',Majority,', ',Margin,').replace(',BRX,', ',Brexit,'),
      { name: 'broken' },
    );
    assert.equal(missing.statusCode, 422);
    assert.match(
      missing.body,
      /missing 2 columns of the 2019 results-by-constituency shape: &quot;Majority&quot;, &quot;BRX&quot;/,
    );
    const noCode = await upload('constituency,votes\nPudsey,3\n', { name: 'broken' });
    assert.equal(noCode.statusCode, 422);
    assert.match(noCode.body, /no constituency code column: &quot;id&quot; in the 2017/);

    const unknown = await upload(
      [
        CSV_2019,
        row2019('E14999999', 'Nowhere', 100, 0, { Con: 50, Lab: 40 }),
        row2019('X1', 'Typo', 100, 0, { Con: 50, Lab: 40 }),
      ].join('\n'),
      { name: 'broken' },
    );
    assert.equal(unknown.statusCode, 422);
    assert.match(
      unknown.body,
      /Unknown constituency codes \(not one of the 650 seats[^)]*\): E14999999 \(line 6\), X1 \(line 7\)/,
    );

    const negative = await upload(
      [
        HEADER_2019.join(','),
        row2019(PUDSEY, 'Pudsey', 70_000, 100, { Con: 23_000, Lab: 20_000 }, { Lab: '-20000' }),
        row2019(KENSINGTON, 'Kensington', 65_000, 80, { Con: 20_000, Lab: 19_000 }, { LD: '1.5' }),
        row2019(
          DUDLEY_NORTH,
          'Dudley North',
          60_000,
          50,
          { Lab: 15_000, Con: 14_000 },
          {
            'Valid votes': '30000',
          },
        ),
        row2019(LEEDS_NORTH_EAST, 'Leeds North East', 70_000, 90, { Lab: 30_000, Con: 10_000 }),
        row2019(LEEDS_NORTH_EAST, 'Leeds North East', 70_000, 90, { Lab: 30_000, Con: 10_000 }),
      ].join('\n'),
      { name: 'broken' },
    );
    assert.equal(negative.statusCode, 422);
    assert.match(negative.body, /Nothing was imported: 4 problems/);
    assert.match(
      negative.body,
      /Line 2: &quot;Lab&quot; must be a whole number, 0 or more, not &quot;-20000&quot;/,
    );
    assert.match(
      negative.body,
      /Line 3: &quot;LD&quot; must be a whole number, 0 or more, not &quot;1\.5&quot;/,
    );
    assert.match(
      negative.body,
      /Line 4: the party votes add up to 29000, but &quot;Valid votes&quot; is 30000/,
    );
    assert.match(negative.body, /Line 6: E14000779 is already on line 5/);
    // The organiser's name and choice come back with the form.
    assert.match(negative.body, /name="name"[^>]*value="broken"/);

    const empty = await upload('', { name: 'broken' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /The file is empty/);
    const big = await upload(Buffer.alloc(ELECTION_CSV_MAX_BYTES + 1, 'a'), { name: 'broken' });
    assert.equal(big.statusCode, 413);
    assert.deepEqual(await stored(), before);
    await assertForgedUploadRefused(organiser, '/admin/field/elections', ELECTION_CSV_MAX_BYTES);

    const viewer = await loginAs(app, 'viewer');
    const seats = await viewer.get('/admin/field/seats?party=lab&election=2017');
    assert.doesNotMatch(seats.body, /action="\/admin\/field\/elections"/);
    const forbidden = await upload(CSV_2019, { name: 'viewer-try' }, viewer);
    assert.equal(forbidden.statusCode, 403);
    assert.deepEqual(await stored(), before);
  });

  it('removes an imported election, unless the campaign plans on it', async () => {
    assert.equal((await upload(CSV_2019, { name: 'to-remove' })).statusCode, 303);
    await setFieldPlan(app.services, { party: 'lab', election: 'to-remove' }, null);
    const page = await organiser.get('/admin/field/seats');
    assert.match(page.body, /action="\/admin\/field\/elections\/to-remove\/delete"/);
    const planned = await organiser.post('/admin/field/elections/to-remove/delete');
    assert.equal(planned.statusCode, 409);
    assert.match(planned.body, /plans on to-remove/);
    await setFieldPlan(app.services, { party: 'lab', election: '2017' }, null);
    await organiser.get('/admin/field/seats');
    const viewer = await loginAs(app, 'viewer');
    await viewer.get('/admin/field/seats');
    assert.equal((await viewer.post('/admin/field/elections/to-remove/delete')).statusCode, 403);
    const removed = await organiser.post('/admin/field/elections/to-remove/delete');
    assert.equal(removed.statusCode, 303);
    await assert.rejects(
      rankSeatsFor(app.services, { party: 'lab', election: 'to-remove' }),
      /no results for the election "to-remove"/,
    );
    assert.equal(
      (
        await ctx.db.kysely
          .selectFrom('field_election_results')
          .select('code')
          .where('election', '=', 'to-remove')
          .execute()
      ).length,
      0,
    );
    await organiser.get('/admin/field/seats');
    assert.equal((await organiser.post('/admin/field/elections/to-remove/delete')).statusCode, 404);
  });

  it('imports from the command line in the 2017 shape, and `rally field seats` ranks it', async () => {
    const file = join(dir, 'ge-cli.csv');
    writeFileSync(file, CSV_2017);
    const run = await runRally(
      ['field', 'elections', 'import', '--election', 'cli-2017-shape', file],
      ctx.url,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      election: 'cli-2017-shape',
      seats: 2,
      replaced: false,
    });
    const seats = await runRally(
      ['field', 'seats', '--party', 'lab', '--election', 'cli-2017-shape'],
      ctx.url,
    );
    assert.equal(seats.code, 0, seats.stderr);
    const lines = seats.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string; majority: number; swingPct: number });
    // Con 24,000, Lab 23,500 of 50,000: 500 votes, a swing of 0.5 points.
    assert.deepEqual(lines, [{ ...lines[0], code: PUDSEY, majority: 500, swingPct: 0.5 }]);
    const again = await runRally(
      ['field', 'elections', 'import', '--election', 'cli-2017-shape', file],
      ctx.url,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already imported/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, CSV_2017.replace(PUDSEY, 'E14999998'));
    const refused = await runRally(
      ['field', 'elections', 'import', '--election', 'cli-bad', bad],
      ctx.url,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Unknown constituency code .*E14999998 \(line 2\)/);
    const unknownElection = await runRally(
      ['field', 'seats', '--party', 'lab', '--election', 'cli-bad'],
      ctx.url,
    );
    assert.equal(unknownElection.code, 1);
    assert.match(unknownElection.stderr, /no results for the election "cli-bad"/);
  });
});
