import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { registerErrorHandlers } from './errors.js';
import {
  MAX_ID,
  formCheckbox,
  formList,
  formText,
  idParams,
  pageQuery,
  registerInputValidation,
  typedRoutes,
} from './input.js';

async function appWithOneRoute() {
  const base = Fastify();
  registerInputValidation(base);
  registerErrorHandlers(base);
  await base.register(formbody);
  const app = typedRoutes(base);
  app.post(
    '/things/:id',
    {
      schema: {
        params: idParams,
        querystring: pageQuery,
        body: z.object({ title: formText, tags: formList, public: formCheckbox }),
      },
    },
    (req) => ({ id: req.params.id, page: req.query.page, ...req.body }),
  );
  return base;
}

const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

/** A browser's form post to the test route. */
function postForm(app: FastifyInstance, url: string, payload = '') {
  return app.inject({ method: 'POST', url, headers: form, payload });
}

describe('input layer: zod schemas on every route', () => {
  it('hands the handler typed values, with defaults for what a form left out', async () => {
    const app = await appWithOneRoute();
    const res = await postForm(app, '/things/42?page=3', 'tags=a&tags=b&public=on');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { id: 42, page: 3, title: '', tags: ['a', 'b'], public: true });
    const bare = await postForm(app, '/things/42');
    assert.deepEqual(bare.json(), { id: 42, page: 1, title: '', tags: [], public: false });
  });

  it('answers a malformed id with 404, as for a record that does not exist', async () => {
    const app = await appWithOneRoute();
    for (const id of ['abc', '0', '-1', '01', '1e3', '12345678901', String(MAX_ID + 1)]) {
      const res = await postForm(app, `/things/${id}`);
      assert.equal(res.statusCode, 404, id);
      assert.match(res.body, /There is nothing at this address/);
    }
  });

  it('refuses a repeated text field with a 400 that names the field', async () => {
    const app = await appWithOneRoute();
    const res = await postForm(app, '/things/1', 'title=a&title=b');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /In the form, title: /);
  });

  it('reads a nonsense page number as the first page', async () => {
    const app = await appWithOneRoute();
    for (const page of ['x', '0', '-2', '1.5'])
      assert.equal(
        (await postForm(app, `/things/1?page=${page}`)).json<{ page: number }>().page,
        1,
      );
  });
});
