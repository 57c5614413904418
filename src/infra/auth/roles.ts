import { ROLES, type Role } from './auth.tables.js';

export { ROLES, type Role };

const ROLE_RANK: Record<Role, number> = { viewer: 1, moderator: 2, organiser: 3, owner: 4 };

/** Whether `role` may do what `required` may: each role can do everything below it. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/** The roles as `<select>` options, lowest first. */
export const ROLE_OPTIONS: readonly { value: Role; label: Role }[] = ROLES.map((r) => ({
  value: r,
  label: r,
}));
