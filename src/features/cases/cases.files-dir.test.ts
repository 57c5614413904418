import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../infra/clock/clock.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAsNew } from '../../../test/helpers/staff.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import { setPermission } from '../staff/permissions.service.js';
import { DAY_MS } from './cases.rules.js';
import { minimiseDueCases } from './retention.service.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describeEachDatabase('conduct cases: evidence files in CASE_FILES_DIR', (ctx) => {
  let app: FastifyInstance;
  let worker: TestClient;
  let dir = '';
  const clock = new ManualClock('2026-02-01T10:00:00.000Z');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rally-case-files-'));
    app = await createTestApp(ctx.db, { caseFilesDir: dir }, { clock });
    const made = await loginAsNew(app, 'viewer');
    await setPermission(
      app.services,
      { userId: made.user.id, permission: 'caseworker', granted: true },
      null,
    );
    worker = made.client;
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the file in the directory, serves it to caseworkers and deletes it when minimised', async () => {
    await worker.get('/admin/cases/new');
    const refused = await worker.postMultipart(
      '/admin/cases',
      {
        category: 'harassment',
        respondentName: 'Rob',
        summary: 'Shouted.',
        source: 'staff',
        sourceRef: '',
      },
      { file: { filename: 'x.png', content: 'not an image', contentType: 'image/png' } },
    );
    assert.equal(refused.statusCode, 415);
    assert.deepEqual(readdirSync(dir), [], 'a refused upload leaves nothing');
    await worker.get('/admin/cases/new');
    const res = await worker.postMultipart(
      '/admin/cases',
      {
        category: 'harassment',
        respondentName: 'Rob',
        summary: 'Shouted.',
        source: 'staff',
        sourceRef: '',
      },
      { file: { filename: 'shot.png', content: PNG, contentType: 'image/png' } },
    );
    assert.equal(res.statusCode, 303);
    const id = Number(/(\d+)$/.exec(String(res.headers.location))?.[1]);
    assert.equal(readdirSync(dir).length, 1);
    const row = await ctx.db.kysely
      .selectFrom('conduct_case_evidence')
      .select(['content', 'stored_name'])
      .where('case_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.content, null);
    const page = await worker.get(`/admin/cases/${id}`);
    const href = /href="(\/admin\/cases\/\d+\/evidence\/\d+)"/.exec(page.body)?.[1] ?? '';
    const file = await worker.get(href);
    assert.equal(file.statusCode, 200);
    assert.deepEqual(file.rawPayload, PNG);

    await ctx.db.kysely
      .updateTable('conduct_cases')
      .set({ status: 'closed', closed_at: clock.now().toISOString(), outcome: 'no_action' })
      .where('id', '=', id)
      .execute();
    clock.advance(731 * DAY_MS);
    await minimiseDueCases(app.services);
    assert.deepEqual(readdirSync(dir), []);
  });
});
