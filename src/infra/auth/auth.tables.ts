import type { Generated } from 'kysely';

export const ROLES = ['viewer', 'moderator', 'organiser', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Rights granted one by one on top of a role (which is a rank): an owner grants them to named
 * staff. `caseworker` opens conduct cases (complaints about people), which no rank sees by itself.
 */
export const PERMISSIONS = ['caseworker'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface AuthTables {
  staff_users: {
    id: Generated<number>;
    email: string;
    name: string;
    password_hash: string;
    role: Role;
    created_at: string;
    updated_at: string;
    disabled_at: string | null;
  };
  staff_sessions: {
    /** sha256 of the cookie token, so a leaked table cannot be replayed as cookies. */
    id: string;
    user_id: number;
    created_at: string;
    expires_at: string;
    last_seen_at: string;
    ip: string | null;
    user_agent: string | null;
  };
  staff_password_resets: {
    token_hash: string;
    user_id: number;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  staff_permissions: {
    user_id: number;
    permission: Permission;
    granted_by: number | null;
    granted_at: string;
  };
  login_attempts: {
    id: Generated<number>;
    email: string;
    ip: string;
    succeeded: number;
    created_at: string;
  };
}
