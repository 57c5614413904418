import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.kysely
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: Db, key: string, value: string): Promise<void> {
  await db.kysely
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/**
 * A random secret generated once and kept in the database, so cookies stay valid across restarts
 * and several server processes without the operator having to configure one.
 */
export async function getOrCreateSecret(db: Db, key: string): Promise<string> {
  const existing = await getSetting(db, key);
  if (existing) return existing;
  await db.kysely
    .insertInto('settings')
    .values({ key, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await getSetting(db, key);
  if (!stored) throw new Error(`Could not store setting ${key}`);
  return stored;
}
