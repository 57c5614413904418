import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { sendJsonNotFound, sendNotice } from './public-notice.js';

describe('public not-found answers', () => {
  it('answers a page or JSON 404 that no cache keeps', async () => {
    const app = Fastify();
    app.get('/page', (_req, reply) => sendNotice(reply, 404, 'Not found', 'No such record.'));
    app.get('/json', (_req, reply) => sendJsonNotFound(reply, 'No such thing.'));
    const page = await app.inject('/page');
    assert.equal(page.statusCode, 404);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /No such record\./);
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
