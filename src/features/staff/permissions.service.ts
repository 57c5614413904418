/**
 * Permissions granted on top of a role (infra/auth: PERMISSIONS). Only owners grant or revoke
 * them, and each change is audited: who may read conduct cases is itself a record worth keeping.
 */
import { PERMISSIONS, type Permission } from '../../infra/auth/auth.tables.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { StaffInputError } from './staff.rules.js';

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** Every grant, by staff id. */
export async function permissionsByStaff(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<Map<number, Permission[]>> {
  const rows = await queries(ctx)
    .selectFrom('staff_permissions')
    .select(['user_id', 'permission'])
    .orderBy('permission')
    .execute();
  const byStaff = new Map<number, Permission[]>();
  for (const r of rows) byStaff.set(r.user_id, [...(byStaff.get(r.user_id) ?? []), r.permission]);
  return byStaff;
}

/** Enabled staff holding the permission (e.g. the caseworkers a case can go to). */
export async function staffWithPermission(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  permission: Permission,
): Promise<{ id: number; name: string; email: string }[]> {
  return queries(ctx)
    .selectFrom('staff_permissions as p')
    .innerJoin('staff_users as u', 'u.id', 'p.user_id')
    .select(['u.id', 'u.name', 'u.email'])
    .where('p.permission', '=', permission)
    .where('u.disabled_at', 'is', null)
    .orderBy('u.name')
    .execute();
}

export async function setPermission(
  ctx: ServiceContext,
  input: { userId: number; permission: string; granted: boolean },
  actor: Actor,
): Promise<{ name: string; permission: Permission; granted: boolean }> {
  const { permission, granted, userId } = input;
  if (!isPermission(permission)) throw new StaffInputError('There is no such permission.');
  return inTransaction(ctx, async ({ trx }) => {
    const user = await trx
      .selectFrom('staff_users')
      .select(['id', 'name', 'email'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new StaffInputError('There is no such staff account.', 404);
    if (granted)
      await trx
        .insertInto('staff_permissions')
        .values({
          user_id: userId,
          permission,
          granted_by: actorId(actor),
          granted_at: ctx.clock.now().toISOString(),
        })
        .onConflict((oc) => oc.columns(['user_id', 'permission']).doNothing())
        .execute();
    else
      await trx
        .deleteFrom('staff_permissions')
        .where('user_id', '=', userId)
        .where('permission', '=', permission)
        .execute();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: granted ? 'staff.permission-grant' : 'staff.permission-revoke',
        subjectType: 'staff_user',
        subjectId: userId,
        details: { email: user.email, permission },
      },
      trx,
    );
    return { name: user.name, permission, granted };
  });
}
