import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { StaffRepository } from '../../src/features/staff/staff.repository.js';
import { normaliseEmail } from '../../src/features/staff/staff.rules.js';
import { ROLES, type Role } from '../../src/infra/auth/auth.tables.js';
import { hashPassword } from '../../src/infra/auth/passwords.js';
import type { Db } from '../../src/infra/db/database.js';
import { createTestApp } from './app.js';
import type { DatabaseContext } from './databases.js';
import { TestClient } from './test-client.js';

let counter = 0;

/** One password for every account a test does not name one for. */
const DEFAULT_PASSWORD = `test-password-${randomBytes(6).toString('hex')}`;
/** Hashing costs a few hundred ms by design; suites create many accounts with few passwords. */
const hashes = new Map<string, Promise<string>>();

function cachedHash(password: string): Promise<string> {
  let hash = hashes.get(password);
  if (!hash) {
    hash = hashPassword(password);
    hashes.set(password, hash);
  }
  return hash;
}

export interface CreatedStaff {
  id: number;
  email: string;
  password: string;
}

/** A staff account straight in the database (no audit entry), with a known password. */
export async function createStaff(
  db: Db,
  opts: { role: Role; email?: string; password?: string; name?: string; disabled?: boolean },
): Promise<CreatedStaff> {
  if (!ROLES.includes(opts.role)) throw new Error(`createStaff: unknown role ${opts.role}`);
  counter += 1;
  const suffix = `${counter}-${randomBytes(3).toString('hex')}`;
  const email = normaliseEmail(opts.email ?? `${opts.role}-${suffix}@example.org`);
  const password = opts.password ?? DEFAULT_PASSWORD;
  const id = await new StaffRepository(db).insert({
    email,
    name: opts.name ?? `Test ${opts.role} ${counter}`,
    role: opts.role,
    passwordHash: await cachedHash(password),
  });
  if (opts.disabled) {
    await db.kysely
      .updateTable('staff_users')
      .set({ disabled_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return { id, email, password };
}

/**
 * Each logged-in client gets its own IP, so suites that log in many times stay under the
 * per-IP login limit (which has its own test).
 */
function nextAddress(): string {
  const n = counter + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Logs in through the real form (GET /login for the CSRF token, then POST /login). */
export async function logIn(
  app: FastifyInstance,
  credentials: { email: string; password: string },
  client: TestClient = new TestClient(app, { remoteAddress: nextAddress() }),
): Promise<TestClient> {
  await client.get('/login');
  const res = await client.post('/login', credentials);
  if (res.statusCode !== 303) {
    throw new Error(
      `login as ${credentials.email} failed: ${res.statusCode} ${res.body.slice(0, 300)}`,
    );
  }
  return client;
}

/** A new staff member with the role, logged in; the client carries their session. */
export async function loginAs(
  app: FastifyInstance,
  role: Role,
  opts: { email?: string; name?: string } = {},
): Promise<TestClient> {
  return (await loginAsNew(app, role, opts)).client;
}

/** As loginAs, also returning the account (id, email, password). */
export async function loginAsNew(
  app: FastifyInstance,
  role: Role,
  opts: { email?: string; name?: string } = {},
): Promise<{ client: TestClient; user: CreatedStaff }> {
  const user = await createStaff(app.services.db, { role, ...opts });
  return { client: await logIn(app, user), user };
}

/** The app of a suite and one logged-in client per role, ready once the suite's `before` ran. */
export interface StaffSuite<R extends Role> {
  app: FastifyInstance;
  as: Record<R, TestClient>;
}

/**
 * Registers the suite's hooks: the real app on the suite's database with a logged-in client per
 * role before its tests, the app closed after them.
 */
export function appWithStaff<const R extends Role>(
  ctx: DatabaseContext,
  roles: readonly R[],
): StaffSuite<R> {
  const suite = { as: {} } as StaffSuite<R>;
  before(async () => {
    suite.app = await createTestApp(ctx.db);
    for (const role of roles) suite.as[role] = await loginAs(suite.app, role);
  });
  after(() => suite.app.close());
  return suite;
}
