import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { sendJsonNotFound, sendNotice } from './public-notice.js';
import { positiveIntParam, withRecordById } from './route-params.js';

describe('route params and not-found answers', () => {
  it('loads the record a URL id names, or answers not found without running the handler', async () => {
    const app = Fastify();
    const records = new Map([[7, 'seven']]);
    const loaded: number[] = [];
    const withRecord = withRecordById({
      load: async (id) => {
        loaded.push(id);
        return records.get(id);
      },
      notFound: (_req, reply) => sendNotice(reply, 404, 'Not found', 'No such record.'),
      param: 'recordId',
    });
    app.get('/r/:recordId', (req, reply) => withRecord(req, reply, (record) => ({ record })));
    app.get('/raw/:id', async (req) => ({ id: positiveIntParam(req, 'id') }));
    app.get('/json', (_req, reply) => sendJsonNotFound(reply, 'No such thing.'));

    const found = await app.inject('/r/7');
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.json(), { record: 'seven' });
    const missing = await app.inject('/r/8');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['cache-control'], 'no-store');
    assert.match(String(missing.headers['content-type']), /text\/html/);
    assert.match(missing.body, /No such record\./);
    for (const bad of ['0', '007', '-1', 'abc', '12345678901'])
      assert.equal((await app.inject(`/r/${bad}`)).statusCode, 404, bad);
    assert.deepEqual(loaded, [7, 8], 'malformed ids never reach the database');

    assert.deepEqual((await app.inject('/raw/42')).json(), { id: 42 });
    assert.deepEqual((await app.inject('/raw/4x')).json(), { id: null });
    const json = await app.inject('/json');
    assert.equal(json.statusCode, 404);
    assert.deepEqual(json.json(), {
      statusCode: 404,
      error: 'Not Found',
      message: 'No such thing.',
    });
    await app.close();
  });
});
