/**
 * Where evidence bytes live: in the database by default, or as files in CASE_FILES_DIR (named
 * at random, so a directory listing says nothing about a case). A file is written before its row
 * commits; the transaction removes it again if it fails (inCaseTransaction), so a refused upload
 * leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredBytes {
  content: Buffer | null;
  stored_name: string | null;
}

export async function putBytes(dir: string | undefined, bytes: Buffer): Promise<StoredBytes> {
  if (!dir) return { content: bytes, stored_name: null };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `evidence-${randomBytes(16).toString('hex')}`;
  await writeFile(join(dir, name), bytes, { mode: 0o600, flag: 'wx' });
  return { content: null, stored_name: name };
}

export async function getBytes(
  dir: string | undefined,
  row: StoredBytes,
): Promise<Buffer | undefined> {
  if (row.content) return row.content;
  if (!row.stored_name || !dir) return undefined;
  return readFile(join(dir, row.stored_name)).catch(() => undefined);
}

export async function removeFiles(
  dir: string | undefined,
  names: readonly string[],
): Promise<void> {
  if (!dir) return;
  for (const name of names) await rm(join(dir, name), { force: true });
}
