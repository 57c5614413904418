import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { loginAs } from '../../../test/helpers/staff.js';
import { nowIso } from '../../infra/db/database.js';

describeEachDatabase('storms: the admin list', (ctx) => {
  let app: FastifyInstance;

  before(async () => {
    app = await createTestApp(ctx.db);
  });
  after(() => app.close());

  it("shows each storm's own number of posts, and 0 for a storm without any", async () => {
    const now = nowIso();
    const storm = (slug: string) =>
      ctx.db.kysely
        .insertInto('storms')
        .values({
          slug,
          status: 'published',
          title: `Storm ${slug}`,
          description: '',
          starts_at: now,
          ends_at: now,
          hashtag: 'SaveIt',
          link_url: null,
          target_list_id: null,
          target_ids: '[]',
          handles: '[]',
          variants: '["Save it"]',
          created_by: null,
          created_at: now,
          updated_at: now,
          published_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const posts = { 'list-a': 3, 'list-b': 12, 'list-c': 0 };
    for (const [slug, n] of Object.entries(posts)) {
      const { id } = await storm(slug);
      for (let i = 0; i < n; i++)
        await ctx.db.kysely
          .insertInto('storm_posts')
          .values({
            storm_id: id,
            variant: 0,
            platform: 'x',
            edited: 0,
            participant_key: `${slug}-${i}`,
            posted_minute: 0,
            email: null,
            consent_wording: null,
            person_id: null,
            confirmed_at: null,
            created_at: now,
          })
          .execute();
    }
    const viewer = await loginAs(app, 'viewer');
    const res = await viewer.get('/admin/storms');
    assert.equal(res.statusCode, 200);
    const rows = [...res.body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
    for (const [slug, n] of Object.entries(posts)) {
      const row = rows.find((r) => r.includes(`/storms/${slug}<`));
      assert.ok(row, slug);
      const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]?.trim());
      assert.equal(cells.at(-1), String(n), slug);
    }
  });
});
