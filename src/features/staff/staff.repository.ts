import type { Kysely } from 'kysely';
import type { Role } from '../../infra/auth/auth.tables.js';
import { type Db, nowIso } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';

export interface StaffRecord {
  id: number;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

export type StaffSummary = Omit<StaffRecord, 'password_hash'>;

const SUMMARY_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'created_at',
  'updated_at',
  'disabled_at',
] as const;

type Executor = Kysely<Database>;

/** Most attempts on one email read back per login (see recentAttempts). */
export const RECENT_ATTEMPTS_CAP = 500;

/** The only module that queries staff_users, staff_password_resets and login_attempts. */
export class StaffRepository {
  constructor(private readonly db: Db) {}

  get kysely(): Executor {
    return this.db.kysely;
  }

  async count(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('staff_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(
    user: { email: string; name: string; role: Role; passwordHash: string },
    executor: Executor = this.db.kysely,
  ): Promise<number> {
    const now = nowIso();
    const row = await executor
      .insertInto('staff_users')
      .values({
        email: user.email,
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: now,
        updated_at: now,
        disabled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async findByEmail(email: string): Promise<StaffRecord | undefined> {
    return this.db.kysely
      .selectFrom('staff_users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
  }

  async findById(id: number, executor: Executor = this.db.kysely) {
    return executor.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<StaffSummary[]> {
    return this.db.kysely
      .selectFrom('staff_users')
      .select(SUMMARY_COLUMNS)
      .orderBy('disabled_at', (ob) => ob.desc().nullsFirst())
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  async namesByIds(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.kysely
      .selectFrom('staff_users')
      .select(['id', 'name'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /**
   * Enabled owners, locked for the rest of the transaction on PostgreSQL so two owners cannot
   * demote each other at once and leave none (SQLite serialises write transactions anyway).
   */
  async lockEnabledOwners(executor: Executor): Promise<number[]> {
    let query = executor
      .selectFrom('staff_users')
      .select('id')
      .where('role', '=', 'owner')
      .where('disabled_at', 'is', null);
    if (this.db.dialect === 'postgres') query = query.forUpdate();
    return (await query.execute()).map((r) => r.id);
  }

  async update(
    id: number,
    changes: Partial<{
      role: Role;
      disabled_at: string | null;
      password_hash: string;
      name: string;
    }>,
    executor: Executor = this.db.kysely,
  ): Promise<void> {
    await executor
      .updateTable('staff_users')
      .set({ ...changes, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  async recordLoginAttempt(
    email: string,
    ip: string,
    succeeded: boolean,
    at: string = nowIso(),
  ): Promise<void> {
    await this.db.kysely
      .insertInto('login_attempts')
      .values({ email, ip, succeeded: succeeded ? 1 : 0, created_at: at })
      .execute();
  }

  /**
   * Drops attempts older than `before`: the email's own on every record (indexed), everyone's
   * when `everyone` is set. Attempts hold an IP address, so none is kept past the look-back.
   */
  async forgetLoginAttempts(email: string, before: string, everyone: boolean): Promise<void> {
    let query = this.db.kysely.deleteFrom('login_attempts').where('created_at', '<', before);
    if (!everyone) query = query.where('email', '=', email);
    await query.execute();
  }

  /**
   * The email's attempts since `since`, newest first. Refused attempts are never recorded, so
   * the slowdown keeps this to a few dozen rows per window; the cap guards against a surge of
   * concurrent guesses all passing the check at once.
   */
  async recentAttempts(
    email: string,
    since: string,
  ): Promise<{ ip: string; succeeded: number; created_at: string }[]> {
    return this.db.kysely
      .selectFrom('login_attempts')
      .select(['ip', 'succeeded', 'created_at'])
      .where('email', '=', email)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(RECENT_ATTEMPTS_CAP)
      .execute();
  }

  /** When the user last set a password through a reset or setup link, if since `since`. */
  async lastResetSince(userId: number, since: string): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom('staff_password_resets')
      .select('used_at')
      .where('user_id', '=', userId)
      .where('used_at', '>=', since)
      .orderBy('used_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.used_at ?? undefined;
  }

  async insertResetToken(
    token: { tokenHash: string; userId: number; createdAt: string; expiresAt: string },
    executor: Executor = this.db.kysely,
  ): Promise<void> {
    await executor
      .insertInto('staff_password_resets')
      .values({
        token_hash: token.tokenHash,
        user_id: token.userId,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async findResetToken(tokenHash: string, executor: Executor = this.db.kysely) {
    return executor
      .selectFrom('staff_password_resets')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Marks the token used unless it already was; false means someone else used it first. */
  async claimResetToken(
    tokenHash: string,
    executor: Executor,
    at: string = nowIso(),
  ): Promise<boolean> {
    const result = await executor
      .updateTable('staff_password_resets')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A new password makes every older link for the user useless. */
  async retireResetTokens(userId: number, executor: Executor): Promise<void> {
    await executor
      .updateTable('staff_password_resets')
      .set({ used_at: nowIso() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
  }

  async destroySessions(userId: number, executor: Executor = this.db.kysely): Promise<void> {
    await executor.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
  }
}
