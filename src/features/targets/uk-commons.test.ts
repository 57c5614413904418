import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { testConfig } from '../../config.js';
import { createServices } from '../../infra/services.js';
import { UK_DATA_DIR } from '../constituencies/uk-data.service.js';
import {
  findTargetsByDivision,
  getTargetList,
  listTargets,
  updateTarget,
} from './targets.service.js';
import {
  UK_COMMONS_SLUG,
  UK_MPS_FILE,
  constituencyKey,
  loadUkCommons,
} from './uk-commons.service.js';
import { targetsFeature } from './targets.feature.js';

it('matches every MP in the bundled file to a constituency code by name', () => {
  const read = (file: string) =>
    parse<Record<string, string>>(readFileSync(UK_DATA_DIR + file, 'utf8'), {
      columns: true,
      bom: true,
    });
  const codes = new Map(
    read('HoC-GE2017-constituency-results.csv').map((r) => [
      constituencyKey(r.constituency_name ?? ''),
      r.id,
    ]),
  );
  const mps = read(UK_MPS_FILE);
  assert.equal(mps.length, 650);
  const unmatched = mps.filter((mp) => !codes.has(constituencyKey(mp.constituency ?? '')));
  assert.deepEqual(unmatched, []);
  assert.equal(
    new Set(mps.map((mp) => codes.get(constituencyKey(mp.constituency ?? '')))).size,
    650,
  );
  assert.equal(constituencyKey('Ynys Môn'), constituencyKey('Ynys Mon'));
  assert.equal(constituencyKey('Brighton, Kemptown'), constituencyKey('Brighton Kemptown'));
});

describeEachDatabase('rally targets load uk-commons', (ctx) => {
  const services = () => createServices({ config: testConfig(), db: ctx.db });

  it('loads 650 MPs by constituency, with party and Twitter handle', async () => {
    const loaded = await loadUkCommons(services());
    assert.equal(loaded.constituencies, 650);
    assert.equal(loaded.mps, 650);
    assert.equal(loaded.report.created, 650);
    assert.deepEqual(loaded.report.rejected, []);

    const list = await getTargetList(ctx.db, UK_COMMONS_SLUG);
    assert.equal(list?.name, 'UK House of Commons');
    const all = await listTargets(ctx.db, list?.id ?? 0);
    assert.equal(all.total, 650);

    const [pudsey, ...others] = await findTargetsByDivision(ctx.db, UK_COMMONS_SLUG, 'E14000886');
    assert.deepEqual(others, []);
    assert.equal(pudsey?.name, 'Stuart Andrew');
    assert.equal(pudsey?.role, 'MP');
    assert.equal(pudsey?.party, 'Conservative');
    assert.equal(pudsey?.twitter, 'stuartandrew');
    assert.equal(pudsey?.email, null);

    const leedsNe = await listTargets(ctx.db, list?.id ?? 0, { division: 'Leeds North East' });
    assert.equal(leedsNe.total, 1);
    assert.equal(leedsNe.targets[0]?.name, 'Fabian Hamilton');
    assert.equal(leedsNe.targets[0]?.division_code, 'E14000779');
    assert.equal(leedsNe.targets[0]?.division_type, 'constituency');
    assert.equal(leedsNe.targets[0]?.external_id, '415');
  });

  it('reloads in place: no duplicates, and an email an organiser added is kept', async () => {
    const list = await getTargetList(ctx.db, UK_COMMONS_SLUG);
    assert.ok(list);
    const [pudsey] = await findTargetsByDivision(ctx.db, UK_COMMONS_SLUG, 'E14000886');
    assert.ok(pudsey);
    const full = (await listTargets(ctx.db, list.id, { division: 'E14000886' })).targets[0];
    assert.ok(full);
    const saved = await updateTarget(
      services(),
      {
        listId: list.id,
        id: pudsey.id,
        fields: { ...full, email: 'stuart.andrew.mp@parliament.uk' },
      },
      null,
    );
    assert.equal(saved.ok, true);

    const again = await loadUkCommons(services());
    assert.equal(again.report.created, 0);
    assert.equal(again.report.unchanged, 650);
    assert.equal((await listTargets(ctx.db, list.id)).total, 650);
    const [after] = await findTargetsByDivision(ctx.db, UK_COMMONS_SLUG, 'E14000886');
    assert.equal(after?.id, pudsey.id);
    assert.equal(after?.email, 'stuart.andrew.mp@parliament.uk');
    assert.equal(after?.twitter, 'stuartandrew');
  });
});

describeEachDatabase('targets demo seed', (ctx) => {
  it('loads the MPs into an empty database', async () => {
    const app = await createTestApp(ctx.db);
    try {
      assert.ok(targetsFeature.seedDemo);
      await targetsFeature.seedDemo(app.services);
      const [mp] = await findTargetsByDivision(ctx.db, UK_COMMONS_SLUG, 'E14000779');
      assert.equal(mp?.name, 'Fabian Hamilton');
    } finally {
      await app.close();
    }
  });
});
