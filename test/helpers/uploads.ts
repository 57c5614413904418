import assert from 'node:assert/strict';
import type { TestClient } from './test-client.js';

/**
 * Posts a file larger than `maxBytes` to the upload form at `url`, once with a forged form token
 * and once with none: both must be refused as an expired form (403), which proves the token is
 * checked before the file is read, since reading it first would answer 413.
 */
export async function assertForgedUploadRefused(
  client: TestClient,
  url: string,
  maxBytes: number,
): Promise<void> {
  const oversized = { file: { filename: 'big.csv', content: Buffer.alloc(maxBytes + 1, 'a') } };
  await client.get(url);
  const badToken = await client.postMultipart(url, { _csrf: 'forged' }, oversized);
  assert.equal(badToken.statusCode, 403);
  assert.match(badToken.body, /Form expired/);
  await client.get(url);
  const noToken = await client.postMultipart(url, {}, oversized, {}, { withoutCsrf: true });
  assert.equal(noToken.statusCode, 403);
  assert.match(noToken.body, /Form expired/);
}
