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

  async recordLoginAttempt(email: string, ip: string, succeeded: boolean): Promise<void> {
    await this.db.kysely
      .insertInto('login_attempts')
      .values({ email, ip, succeeded: succeeded ? 1 : 0, created_at: nowIso() })
      .execute();
  }

  /** Failed attempts for the email since `since` that came after its last successful login. */
  async recentFailures(email: string, since: string): Promise<string[]> {
    const lastSuccess = await this.db.kysely
      .selectFrom('login_attempts')
      .select('created_at')
      .where('email', '=', email)
      .where('succeeded', '=', 1)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const from = lastSuccess && lastSuccess.created_at > since ? lastSuccess.created_at : since;
    const rows = await this.db.kysely
      .selectFrom('login_attempts')
      .select('created_at')
      .where('email', '=', email)
      .where('succeeded', '=', 0)
      .where('created_at', '>=', from)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => r.created_at);
  }

  async insertResetToken(
    token: { tokenHash: string; userId: number; expiresAt: string },
    executor: Executor = this.db.kysely,
  ): Promise<void> {
    await executor
      .insertInto('staff_password_resets')
      .values({
        token_hash: token.tokenHash,
        user_id: token.userId,
        created_at: nowIso(),
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
  async claimResetToken(tokenHash: string, executor: Executor): Promise<boolean> {
    const result = await executor
      .updateTable('staff_password_resets')
      .set({ used_at: nowIso() })
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
