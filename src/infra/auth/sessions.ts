import { createHash, randomBytes } from 'node:crypto';
import { type Db, nowIso } from '../db/database.js';
import type { Permission, Role } from './auth.tables.js';

export const SESSION_COOKIE = 'rally_session';
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** last_seen_at is refreshed at most this often, to avoid a write on every request. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface StaffUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** Granted on top of the role (see PERMISSIONS); loaded with the session. */
  permissions?: readonly Permission[];
}

export function hasPermission(staff: StaffUser, permission: Permission): boolean {
  return staff.permissions?.includes(permission) ?? false;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  /** Returns the cookie value; only its hash is stored. */
  async create(
    userId: number,
    meta: { ip: string; userAgent?: string | undefined },
  ): Promise<string> {
    const token = newToken();
    const now = new Date();
    await this.db.kysely
      .insertInto('staff_sessions')
      .values({
        id: hashToken(token),
        user_id: userId,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return token;
  }

  async lookup(token: string): Promise<StaffUser | undefined> {
    const id = hashToken(token);
    const row = await this.db.kysely
      .selectFrom('staff_sessions as s')
      .innerJoin('staff_users as u', 'u.id', 's.user_id')
      .select([
        'u.id',
        'u.email',
        'u.name',
        'u.role',
        'u.disabled_at',
        's.expires_at',
        's.last_seen_at',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row || row.disabled_at || row.expires_at <= nowIso()) return undefined;
    if (Date.now() - Date.parse(row.last_seen_at) > TOUCH_INTERVAL_MS) {
      await this.db.kysely
        .updateTable('staff_sessions')
        .set({ last_seen_at: nowIso() })
        .where('id', '=', id)
        .execute();
    }
    const granted = await this.db.kysely
      .selectFrom('staff_permissions')
      .select('permission')
      .where('user_id', '=', row.id)
      .execute();
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      permissions: granted.map((g) => g.permission),
    };
  }

  async destroy(token: string): Promise<void> {
    await this.db.kysely.deleteFrom('staff_sessions').where('id', '=', hashToken(token)).execute();
  }

  async destroyAllFor(userId: number): Promise<void> {
    await this.db.kysely.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
  }
}
