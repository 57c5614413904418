import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { TestClient } from '../../../test/helpers/test-client.js';
import { readUpload } from './file-upload.js';
import { registerSecurity } from './security.js';

const BASE_URL = 'http://localhost';
/** Small limits, so each can be crossed cheaply. */
const MAX_FILE_BYTES = 20;
const NOTE_MAX_BYTES = 10;

describe('file uploads', () => {
  let app: FastifyInstance;
  let client: TestClient;

  before(async () => {
    app = Fastify();
    await registerSecurity(app, {
      cookieSecret: 'x'.repeat(32),
      secureCookies: false,
      baseUrl: BASE_URL,
    });
    app.get('/form', (_req, reply) =>
      reply.type('text/html').send(`<input name="_csrf" value="${reply.generateCsrf()}">`),
    );
    await app.register(async (scope) => {
      await scope.register(multipart);
      scope.post('/upload', { config: { csrf: false } }, async (req, reply) => {
        const upload = await readUpload(req, reply, {
          baseUrl: BASE_URL,
          maxFileBytes: MAX_FILE_BYTES,
          fields: { note: NOTE_MAX_BYTES },
          tooLargeMessage: 'Too big.',
        });
        if (upload === 'refused') return reply;
        if (!upload.ok) return reply.code(upload.status).send({ message: upload.message });
        return {
          fields: upload.fields,
          file: upload.file && { name: upload.file.name, text: upload.file.bytes.toString() },
        };
      });
    });
    client = new TestClient(app);
  });
  after(() => app.close());

  const upload = async (
    fields: Record<string, string>,
    content?: string,
    options: { withoutCsrf?: boolean } = {},
  ) => {
    await client.get('/form');
    return client.postMultipart(
      '/upload',
      fields,
      content === undefined ? {} : { file: { filename: 'list.csv', content } },
      { accept: 'application/json' },
      options,
    );
  };

  it('hands over the named fields and the file, without the token', async () => {
    const ok = await upload({ note: 'dry', other: 'dropped' }, 'a,b\n1,2');
    assert.deepEqual(ok.json(), {
      fields: { note: 'dry' },
      file: { name: 'list.csv', text: 'a,b\n1,2' },
    });
    assert.deepEqual((await upload({})).json(), { fields: {} });
  });

  it('refuses a missing or wrong token with 403 before the file is read', async () => {
    const big = 'x'.repeat(MAX_FILE_BYTES * 10);
    assert.equal((await upload({}, big, { withoutCsrf: true })).statusCode, 403);
    assert.equal((await upload({ _csrf: 'forged' }, big)).statusCode, 403);
    assert.equal((await upload({ _csrf: 'forged' })).statusCode, 403);
  });

  it(`answers a file over its limit or a field over its own with 413 and a message`, async () => {
    const atLimit = await upload({}, 'x'.repeat(MAX_FILE_BYTES));
    assert.equal(atLimit.statusCode, 200);
    const over = await upload({}, 'x'.repeat(MAX_FILE_BYTES + 1));
    assert.equal(over.statusCode, 413);
    assert.deepEqual(over.json(), { message: 'Too big.' });
    const longNote = await upload({ note: 'x'.repeat(NOTE_MAX_BYTES + 1) }, 'a');
    assert.equal(longNote.statusCode, 413);
    assert.match(longNote.json<{ message: string }>().message, /"note" is too long/);
  });
});
