import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { readFileUpload } from './file-upload.js';

function multipartBody(parts: { name: string; value: string; filename?: string }[]) {
  const boundary = 'rally-test-boundary';
  const body = parts
    .map(
      (p) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"\r\nContent-Type: text/csv` : ''}\r\n\r\n${p.value}\r\n`,
    )
    .join('');
  return {
    payload: `${body}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('file uploads', () => {
  it('reads the text fields and the file, and reports an oversized file as 413', async () => {
    const app = Fastify();
    await app.register(multipart, { limits: { fileSize: 20, files: 1, fields: 5, parts: 6 } });
    app.post('/upload', async (req) => {
      const upload = await readFileUpload(req);
      return 'fields' in upload
        ? {
            fields: upload.fields,
            file: upload.file && { ...upload.file, bytes: upload.file.bytes.toString() },
          }
        : upload;
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/upload',
      ...multipartBody([
        { name: '_csrf', value: 'token' },
        { name: 'dryRun', value: '1' },
        { name: 'file', value: 'a,b\n1,2', filename: 'list.csv' },
      ]),
    });
    assert.deepEqual(ok.json(), {
      fields: { _csrf: 'token', dryRun: '1' },
      file: { name: 'list.csv', bytes: 'a,b\n1,2' },
    });
    const noFile = await app.inject({
      method: 'POST',
      url: '/upload',
      ...multipartBody([{ name: '_csrf', value: 'token' }]),
    });
    assert.deepEqual(noFile.json(), { fields: { _csrf: 'token' } });
    const large = await app.inject({
      method: 'POST',
      url: '/upload',
      ...multipartBody([{ name: 'file', value: 'x'.repeat(100), filename: 'big.csv' }]),
    });
    assert.deepEqual(large.json(), { status: 413 });
    await app.close();
  });
});
