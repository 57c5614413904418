import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, loginAs } from '../../../test/helpers/staff.js';
import { TestClient } from '../../../test/helpers/test-client.js';
import { createTarget, ensureTargetList } from '../targets/targets.service.js';
import { findResults } from './constituencies.repository.js';
import { UK_COMMONS_LIST, findMp } from './constituencies.service.js';
import { getConstituencyDirectory } from './constituency-directory.service.js';
import { loadUkConstituencies } from './uk-data.service.js';

const PUDSEY = 'E14000886';
const LEEDS_NORTH_EAST = 'E14000779';
const LEEDS_WEST = 'E14000781';

/** Text of the page with tags dropped and whitespace collapsed, as a reader sees it. */
function visibleText(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describeEachDatabase('constituencies before the UK data is loaded', (ctx) => {
  const suite = appWithStaff(ctx, []);

  it('says the finder is not set up, and the directory reports nothing loaded', async () => {
    const directory = await getConstituencyDirectory(ctx.db);
    assert.equal(directory.isLoaded(), false);
    assert.equal(directory.lookupPostcode('LS28 5AB').status, 'unknown');
    const res = await new TestClient(suite.app).get('/find-your-mp?postcode=LS28+5AB');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /not set up yet/);
  });

  it('sees data loaded later without a restart', async () => {
    await getConstituencyDirectory(ctx.db);
    await loadUkConstituencies(ctx.db);
    const directory = await getConstituencyDirectory(ctx.db);
    assert.equal(directory.isLoaded(), true);
    const res = await new TestClient(suite.app).get('/find-your-mp?postcode=LS18');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Pudsey/);
  });
});

describeEachDatabase('UK constituency data, lookup and Find your MP', (ctx) => {
  let app: FastifyInstance;
  let client: TestClient;
  before(async () => {
    const counts = await loadUkConstituencies(ctx.db);
    assert.deepEqual(counts, { constituencies: 650, results: 1300, postcodeDistricts: 3077 });
    app = await createTestApp(ctx.db);
    client = new TestClient(app);
  });
  after(() => app.close());

  it('loads the 650 seats of the 2010–2019 boundaries: E 533, S 59, W 40, N 18', async () => {
    const directory = await getConstituencyDirectory(ctx.db);
    const all = directory.all();
    assert.equal(all.length, 650);
    const byCountry: Record<string, number> = {};
    for (const c of all) byCountry[c.code[0]!] = (byCountry[c.code[0]!] ?? 0) + 1;
    assert.deepEqual(byCountry, { E: 533, S: 59, W: 40, N: 18 });
    assert.deepEqual(directory.get(PUDSEY), {
      code: PUDSEY,
      name: 'Pudsey',
      region: 'Yorkshire and The Humber',
      country: 'England',
      county: 'West Yorkshire',
      type: 'Borough',
    });
    assert.equal(directory.regions().length, 12);
    assert.ok(directory.regions().includes('Scotland'));
  });

  it('is idempotent: loading again replaces the data instead of duplicating it', async () => {
    const again = await loadUkConstituencies(ctx.db);
    assert.equal(again.constituencies, 650);
    const countOf = async (
      table: 'constituencies' | 'constituency_results' | 'postcode_districts',
    ) =>
      Number(
        (
          await ctx.db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.equal(await countOf('constituencies'), 650);
    assert.equal(await countOf('constituency_results'), 1300);
    assert.equal(await countOf('postcode_districts'), 7214);
    assert.equal((await getConstituencyDirectory(ctx.db)).all().length, 650);
  });

  it('holds the 2017 and 2019 results: Pudsey, Leeds North East, Kensington', async () => {
    const [p17, p19] = await findResults(ctx.db, PUDSEY);
    assert.ok(p17 && p19);
    assert.equal(p17.year, 2017);
    assert.equal(p17.firstParty, 'Con');
    assert.equal(p17.secondParty, 'Lab');
    assert.equal(p17.majority, 331);
    assert.deepEqual(p17.votes.slice(0, 2), [
      { party: 'Con', votes: 25550 },
      { party: 'Lab', votes: 25219 },
    ]);
    assert.equal(
      p17.votes.reduce((sum, v) => sum + v.votes, 0),
      p17.validVotes,
    );
    assert.ok(p17.turnout > 0.7 && p17.turnout < 0.8, String(p17.turnout));
    assert.equal(p17.winnerName, null);
    assert.equal(p19.majority, 3517);
    assert.equal(p19.winnerName, 'Stuart Andrew');

    const [ne17, ne19] = await findResults(ctx.db, LEEDS_NORTH_EAST);
    assert.equal(ne17?.firstParty, 'Lab');
    assert.equal(ne17?.majority, 16991);
    assert.equal(ne19?.majority, 17089);

    const kensington = (await getConstituencyDirectory(ctx.db)).search('Kensington');
    const k = kensington.find((c) => c.name === 'Kensington');
    assert.ok(k);
    const [k17] = await findResults(ctx.db, k.code);
    assert.equal(k17?.majority, 20);
    assert.equal(k17?.result, 'Lab gain from Con');
  });

  it('looks up postcodes: split districts largest share first, whole districts as one', async () => {
    const directory = await getConstituencyDirectory(ctx.db);
    const ls28 = directory.lookupPostcode(' ls28  5ab ');
    assert.equal(ls28.status, 'found');
    assert.ok(ls28.status === 'found');
    assert.equal(ls28.postcode, 'LS28 5AB');
    assert.equal(ls28.outcode, 'LS28');
    assert.deepEqual(
      ls28.candidates.map((c) => c.code),
      [PUDSEY, LEEDS_WEST],
    );
    assert.ok(Math.abs(ls28.candidates[0]!.share - 0.93) < 0.01);
    assert.equal(ls28.candidates[0]!.name, 'Pudsey');
    assert.equal(ls28.candidates[0]!.region, 'Yorkshire and The Humber');

    const ls18 = directory.lookupPostcode('LS18');
    assert.ok(ls18.status === 'found');
    assert.equal(ls18.candidates[0]!.code, PUDSEY);

    const ls2 = directory.lookupPostcode('LS2 9JT');
    assert.ok(ls2.status === 'found');
    assert.equal(ls2.candidates.length, 1);

    // SW1A has a few postcodes outside every boundary polygon: those rows are not candidates.
    const sw1a = directory.lookupPostcode('SW1A 1AA');
    assert.ok(sw1a.status === 'found');
    assert.ok(sw1a.candidates.every((c) => /^E14\d{6}$/.test(c.code)));
    assert.equal(sw1a.candidates[0]!.code, 'E14000639'); // Cities of London and Westminster

    assert.equal(directory.lookupPostcode('nonsense').status, 'invalid');
    assert.equal(directory.lookupPostcode('').status, 'invalid');
    const zz = directory.lookupPostcode('ZZ99');
    assert.equal(zz.status, 'unknown');
    assert.ok(zz.status === 'unknown');
    assert.equal(zz.postcode, 'ZZ99');
  });

  it('searches constituency names ignoring case and accents', async () => {
    const directory = await getConstituencyDirectory(ctx.db);
    assert.deepEqual(
      directory.search('ynys mon').map((c) => c.name),
      ['Ynys Môn'],
    );
    const leeds = directory.search('LEEDS').map((c) => c.name);
    assert.deepEqual(leeds, [
      'Leeds Central',
      'Leeds East',
      'Leeds North East',
      'Leeds North West',
      'Leeds West',
    ]);
    assert.deepEqual(directory.search('   '), []);
    assert.deepEqual(directory.search('no such place'), []);
  });

  it('Find your MP: a postcode in one constituency shows it, its MP and both results', async () => {
    const res = await client.get('/find-your-mp?postcode=ls2+9jt');
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /LS2 9JT is in Leeds Central/);
    assert.match(text, /Your MP/);
    assert.match(text, /Labour majority of [\d,]+ over Conservative in 2017/);
    assert.match(text, /in 2019/);
    assert.match(text, /2010–2019 Westminster boundaries \(650 seats\)/);
    assert.match(res.body, /value="LS2 9JT"/);
    assert.match(res.body, /href="\/constituencies\/E14000777"/);
  });

  it('Find your MP: a chosen constituency shows its MP and majorities', async () => {
    const res = await client.get(`/find-your-mp?constituency=${PUDSEY}`);
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /Pudsey/);
    assert.match(text, /Stuart Andrew · Conservative/);
    assert.match(text, /Conservative majority of 331 over Labour in 2017/);
    assert.match(text, /Conservative majority of 3,517 over Labour in 2019/);
  });

  it('Find your MP: a split district asks which constituency, with shares and links', async () => {
    const res = await client.get('/find-your-mp?postcode=LS17');
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(
      text,
      /Your postcode district LS17 is split between these constituencies: choose yours/,
    );
    assert.match(res.body, new RegExp(`href="/find-your-mp\\?constituency=${LEEDS_NORTH_EAST}"`));
    assert.match(text, /Leeds North East Yorkshire and The Humber: about 79% of LS17 postcodes/);
    assert.ok(text.indexOf('Leeds North East') < text.indexOf('Elmet and Rothwell'));
  });

  it('Find your MP: invalid and unknown postcodes get a clear message and a search by name', async () => {
    const invalid = await client.get('/find-your-mp?postcode=hello+world');
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /does not look like a UK postcode/);
    assert.match(invalid.body, /name="q"/);

    const unknown = await client.get('/find-your-mp?postcode=ZZ99+9ZZ');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /could not find the postcode district ZZ99/);
    assert.match(unknown.body, /Find your constituency by name/);

    const search = await client.get('/find-your-mp?q=leeds');
    assert.equal(search.statusCode, 200);
    assert.match(visibleText(search.body), /5 constituencies match “leeds”/);
    assert.match(search.body, new RegExp(`href="/find-your-mp\\?constituency=${LEEDS_WEST}"`));

    const none = await client.get('/find-your-mp?q=%3Cscript%3Ex');
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /No constituency name contains “&lt;script&gt;x”/);
    assert.doesNotMatch(none.body, /<script>x/);
  });

  it('Find your MP: rejects over-long and repeated parameters and unknown codes with 4xx', async () => {
    const long = await client.get(`/find-your-mp?q=${'a'.repeat(101)}`);
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /too long \(at most 100 characters\)/);
    const repeated = await client.get('/find-your-mp?postcode=LS28&postcode=LS17');
    assert.equal(repeated.statusCode, 400);
    const unknownCode = await client.get('/find-your-mp?constituency=E14999999');
    assert.equal(unknownCode.statusCode, 404);
    assert.match(unknownCode.body, /do not know that constituency/);
    const hugePostcode = await client.get(`/find-your-mp?postcode=${'9'.repeat(50)}`);
    assert.equal(hugePostcode.statusCode, 400);
    assert.doesNotMatch(hugePostcode.body, /9{50}/);
  });

  it('shows a public page per constituency with both elections’ votes per party', async () => {
    const res = await client.get(`/constituencies/${PUDSEY.toLowerCase()}`);
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /2017 general election/);
    assert.match(text, /Conservative 25,550/);
    assert.match(text, /Labour 25,219/);
    assert.match(text, /2019 general election/);
    assert.match(text, /Elected: Stuart Andrew\. Conservative hold\./);
    assert.match(text, /Open Parliament Licence/);
    const missing = await client.get('/constituencies/E14999999');
    assert.equal(missing.statusCode, 404);
    const garbage = await client.get('/constituencies/%3Cb%3E');
    assert.equal(garbage.statusCode, 404);
    assert.doesNotMatch(garbage.body, /<b>/);
  });

  it('lists constituencies for staff with region filter, search and the 2017 majority', async () => {
    const anonymous = await new TestClient(app).get('/admin/constituencies');
    assert.equal(anonymous.statusCode, 302);
    assert.match(String(anonymous.headers.location), /^\/login/);

    const viewer = await loginAs(app, 'viewer');
    const all = await viewer.get('/admin/constituencies');
    assert.equal(all.statusCode, 200);
    assert.match(visibleText(all.body), /650 of 650 constituencies/);
    assert.match(all.body, /href="\/admin\/constituencies"[^>]*aria-current="page"/);

    const leeds = await viewer.get(
      '/admin/constituencies?region=Yorkshire+and+The+Humber&q=leeds+north',
    );
    assert.equal(leeds.statusCode, 200);
    const text = visibleText(leeds.body);
    assert.match(text, /2 of 650 constituencies/);
    assert.match(text, /Leeds North East E14000779 Yorkshire and The Humber Labour 16,991/);

    const scotland = await viewer.get('/admin/constituencies?region=Scotland');
    assert.match(visibleText(scotland.body), /59 of 650 constituencies/);

    const badRegion = await viewer.get('/admin/constituencies?region=Atlantis');
    assert.equal(badRegion.statusCode, 400);
    assert.match(badRegion.body, /no region called “Atlantis”/);
  });

  it('shows the MP from the uk-commons target list, with their contact details, when there is one', async () => {
    const list = await ensureTargetList(app.services, {
      slug: UK_COMMONS_LIST,
      name: 'UK House of Commons',
    });
    const saved = await createTarget(
      app.services,
      {
        listId: list.id,
        fields: {
          name: 'Stuart Andrew',
          role: 'MP',
          party: 'Conservative Party',
          division_type: 'constituency',
          division_code: PUDSEY,
          email: 'stuart.andrew.mp@parliament.example',
          twitter: 'stuartandrew',
          bluesky: 'stuart.bsky.social',
          mastodon: '@stuart@mastodon.example',
          phone: '020 7219 0000',
        },
      },
      null,
    );
    assert.ok(saved.ok);
    assert.equal((await findMp(ctx, { code: PUDSEY }))?.source, 'target-list');

    const res = await client.get(`/find-your-mp?constituency=${PUDSEY}`);
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /Stuart Andrew · Conservative Party/);
    assert.doesNotMatch(text, /Elected at the 2019 general election/);
    assert.match(res.body, /href="mailto:stuart.andrew.mp@parliament.example"/);
    assert.match(res.body, /href="https:\/\/twitter.com\/stuartandrew"[^>]*>@stuartandrew</);
    assert.match(res.body, /href="https:\/\/bsky.app\/profile\/stuart.bsky.social"/);
    assert.match(res.body, /href="https:\/\/mastodon.example\/@stuart"/);
    assert.match(res.body, /href="tel:02072190000">020 7219 0000</);

    // A constituency nobody on the list represents still shows its 2019 winner.
    const leedsWest = await client.get(`/find-your-mp?constituency=${LEEDS_WEST}`);
    assert.match(
      visibleText(leedsWest.body),
      /Rachel Reeves · Labour Elected at the 2019 general election/,
    );
  });
});
