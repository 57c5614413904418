import type { Transaction } from 'kysely';
import type { Role } from '../../infra/auth/auth.tables.js';
import {
  generatePassword,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from '../../infra/auth/passwords.js';
import { type StaffUser, hashToken, newToken } from '../../infra/auth/sessions.js';
import type { Database } from '../../infra/db/schema.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
} from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { type LoginAttemptLog, loginAttemptLog } from './login-attempts.js';
import { passwordLinkMail } from './password-reset.mail.js';
import { type StaffRecord, StaffRepository, type StaffSummary } from './staff.repository.js';
import {
  ACCOUNT_SLOWDOWN,
  RESET_TOKEN_TTL_MS,
  SETUP_LINK_TTL_MS,
  SOURCE_LOCKOUT,
  StaffInputError,
  emailField,
  firstIssue,
  nameField,
  newPasswordField,
  normaliseEmail,
  roleField,
} from './staff.rules.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';

export type LoginResult =
  | { kind: 'ok'; user: StaffUser }
  | { kind: 'invalid' }
  /** This client address guessed wrong too often for this account. */
  | { kind: 'locked'; retryAfterMinutes: number }
  /** Wrong guesses from many addresses: the account asks everyone for a short wait. */
  | { kind: 'slowed'; retryAfterSeconds: number };

export type ResetTokenState =
  | { kind: 'valid'; userId: number; email: string }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'used' };

export interface NewStaff {
  email: string;
  name?: string | undefined;
  role: string;
  /** Generated (and returned once) when absent. */
  password?: string | undefined;
}

function toUser(row: StaffRecord): StaffUser {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** Reset and setup links are absolute: they are read in a mail client, not on our pages. */
export type LinkContext = ServiceContext & Pick<Services, 'config'>;

function staffRepo(ctx: Pick<ServiceContext, 'db'>): StaffRepository {
  return new StaffRepository(ctx.db);
}

export async function countStaff(ctx: Pick<ServiceContext, 'db'>): Promise<number> {
  return staffRepo(ctx).count();
}

export async function listStaff(ctx: Pick<ServiceContext, 'db'>): Promise<StaffSummary[]> {
  return staffRepo(ctx).list();
}

export async function staffNamesByIds(
  ctx: Pick<ServiceContext, 'db'>,
  ids: number[],
): Promise<Map<number, string>> {
  return staffRepo(ctx).namesByIds([...new Set(ids)]);
}

export async function getStaff(
  ctx: Pick<ServiceContext, 'db'>,
  id: number,
): Promise<StaffSummary | undefined> {
  const row = await staffRepo(ctx).findById(id);
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    created_at: row.created_at,
    updated_at: row.updated_at,
    disabled_at: row.disabled_at,
  };
}

/** Validates, hashes and stores a new account; the plain password is returned only here. */
export async function createStaffAccount(
  ctx: ServiceContext,
  input: NewStaff,
  /** null when Rally itself makes it (first owner, `rally user add`). */
  actor: Actor,
): Promise<{ id: number; email: string; password: string; generated: boolean }> {
  const repo = staffRepo(ctx);
  const email = emailField.safeParse(input.email);
  if (!email.success) throw new StaffInputError(firstIssue(email.error));
  const role = roleField.safeParse(input.role);
  if (!role.success) throw new StaffInputError(firstIssue(role.error));
  const name = nameField.safeParse(input.name?.trim() ? input.name : email.data.split('@')[0]);
  if (!name.success) throw new StaffInputError(firstIssue(name.error));
  const generated = input.password === undefined || input.password === '';
  const password = generated ? generatePassword() : (input.password as string);
  const checked = newPasswordField.safeParse(password);
  if (!checked.success) throw new StaffInputError(firstIssue(checked.error));

  const duplicate = () =>
    new StaffInputError(`There is already a staff account for ${email.data}.`, 409);
  if (await repo.findByEmail(email.data)) throw duplicate();
  const passwordHash = await hashPassword(password);
  let id: number;
  try {
    id = await inTransaction(ctx, async (tx) => {
      const newId = await repo.insert(
        { email: email.data, name: name.data, role: role.data, passwordHash },
        tx.trx,
      );
      await ctx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'staff.create',
          subjectType: 'staff_user',
          subjectId: newId,
          details: { email: email.data, role: role.data },
        },
        tx.trx,
      );
      return newId;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
  return { id, email: email.data, password, generated };
}

/**
 * Checks the lock on this address for this account and the account-wide slowdown, then the
 * password. Every checked password is recorded; refusals are not, so that an attacker
 * hammering a locked or slowed account cannot push its lock further out.
 */
export async function logIn(
  ctx: ServiceContext,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const repo = staffRepo(ctx);
  const email = normaliseEmail(input.email).slice(0, 320);
  const now = ctx.clock.now();
  const attempts = loginAttemptLog(ctx);
  const refusal = await attemptRefusal(repo, attempts, email, input.ip, now.getTime());
  if (refusal) return refusal;
  const row = await repo.findByEmail(email);
  const ok = row
    ? await verifyPassword(input.password, row.password_hash)
    : await verifyAgainstDummy(input.password);
  const allowed = ok && row !== undefined && row.disabled_at === null;
  await attempts.record(email, input.ip, allowed, now);
  if (!allowed || !row) return { kind: 'invalid' };
  if (needsRehash(row.password_hash)) {
    await repo.update(row.id, { password_hash: await hashPassword(input.password) });
  }
  return { kind: 'ok', user: toUser(row) };
}

/**
 * Failures count until the window passes, a password is set through a reset link (which
 * proves the owner reads the account's mail), or a login succeeds: from the same address for
 * that address's lock, from anywhere for the account's slowdown.
 */
async function attemptRefusal(
  repo: StaffRepository,
  log: LoginAttemptLog,
  email: string,
  ip: string,
  nowMs: number,
): Promise<Extract<LoginResult, { kind: 'locked' | 'slowed' }> | undefined> {
  const windowMs = Math.max(SOURCE_LOCKOUT.windowMs, ACCOUNT_SLOWDOWN.windowMs);
  const since = new Date(nowMs - windowMs).toISOString();
  const attempts = await log.recent(email, new Date(nowMs - windowMs));
  if (!attempts.some((a) => a.succeeded === 0)) return undefined;
  const user = await repo.findByEmail(email);
  const lastReset = user ? await repo.lastResetSince(user.id, since) : undefined;
  const clearedAt = (fromIp?: string) =>
    attempts.find((a) => a.succeeded === 1 && (fromIp === undefined || a.ip === fromIp))
      ?.created_at ?? '';
  const failuresAfter = (cleared: string, windowMs: number, fromIp?: string) => {
    const start = new Date(nowMs - windowMs).toISOString();
    return attempts.filter(
      (a) =>
        a.succeeded === 0 &&
        a.created_at >= start &&
        a.created_at > cleared &&
        (fromIp === undefined || a.ip === fromIp),
    );
  };
  const latest = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);

  const fromSource = failuresAfter(latest(clearedAt(ip), lastReset), SOURCE_LOCKOUT.windowMs, ip);
  if (fromSource.length >= SOURCE_LOCKOUT.maxFailures) {
    // The lock lifts when the oldest of the last maxFailures failures leaves the window.
    const oldestCounted = fromSource[SOURCE_LOCKOUT.maxFailures - 1]?.created_at as string;
    const liftsAt = Date.parse(oldestCounted) + SOURCE_LOCKOUT.windowMs;
    return {
      kind: 'locked',
      retryAfterMinutes: Math.max(1, Math.ceil((liftsAt - nowMs) / 60_000)),
    };
  }

  const onAccount = failuresAfter(latest(clearedAt(), lastReset), ACCOUNT_SLOWDOWN.windowMs);
  const beyondFree = onAccount.length - ACCOUNT_SLOWDOWN.freeFailures;
  if (beyondFree >= 0) {
    const delayMs = Math.min(
      ACCOUNT_SLOWDOWN.maxDelayMs,
      ACCOUNT_SLOWDOWN.baseDelayMs * 2 ** beyondFree,
    );
    const nextAllowed = Date.parse(onAccount[0]?.created_at as string) + delayMs;
    if (nowMs < nextAllowed)
      return { kind: 'slowed', retryAfterSeconds: Math.ceil((nextAllowed - nowMs) / 1000) };
  }
  return undefined;
}

/** Sends a reset link when the email belongs to an enabled account; silent otherwise. */
export async function requestPasswordReset(
  ctx: LinkContext,
  input: { email: string },
): Promise<void> {
  const row = await staffRepo(ctx).findByEmail(normaliseEmail(input.email));
  if (!row || row.disabled_at) return;
  await sendResetLink(ctx, row, RESET_TOKEN_TTL_MS, 'reset');
  await ctx.audit.record({
    actorUserId: null,
    action: 'staff.password-reset-requested',
    subjectType: 'staff_user',
    subjectId: row.id,
  });
}

/** An owner sends someone a link to set their password (new accounts, forgotten passwords). */
export async function sendSetupLink(
  ctx: LinkContext,
  input: { userId: number },
  actor: Actor,
): Promise<string> {
  const row = await staffRepo(ctx).findById(input.userId);
  if (!row) throw new StaffInputError('There is no such staff account.', 404);
  if (row.disabled_at) throw new StaffInputError('Enable this account before sending a link.');
  await sendResetLink(ctx, row, SETUP_LINK_TTL_MS, 'setup');
  await ctx.audit.record({
    actorUserId: actorId(actor),
    action: 'staff.setup-link-sent',
    subjectType: 'staff_user',
    subjectId: row.id,
  });
  return row.email;
}

async function sendResetLink(
  ctx: LinkContext,
  row: StaffRecord,
  ttlMs: number,
  purpose: 'reset' | 'setup',
) {
  const token = newToken();
  const link = `${ctx.config.baseUrl}/password-reset/${token}`;
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    await staffRepo(ctx).insertResetToken(
      {
        tokenHash: hashToken(token),
        userId: row.id,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      },
      tx.trx,
    );
    await ctx.mailer.send(
      {
        to: row.email,
        ...passwordLinkMail(row.name, link, ttlMs, purpose),
        category: 'auth.password-reset',
      },
      tx.trx,
    );
  });
}

export async function checkResetToken(
  ctx: ServiceContext,
  input: { token: string },
): Promise<ResetTokenState> {
  const repo = staffRepo(ctx);
  const row = await repo.findResetToken(hashToken(input.token));
  if (!row) return { kind: 'unknown' };
  if (row.used_at) return { kind: 'used' };
  if (row.expires_at <= ctx.clock.now().toISOString()) return { kind: 'expired' };
  const user = await repo.findById(row.user_id);
  if (!user || user.disabled_at) return { kind: 'unknown' };
  return { kind: 'valid', userId: user.id, email: user.email };
}

/**
 * Sets the password from a reset link: single use (claimed atomically), retires the user's
 * other links and ends all their sessions.
 */
export async function resetPassword(
  ctx: ServiceContext,
  input: { token: string; password: string },
): Promise<{ kind: 'done'; user: StaffUser } | Exclude<ResetTokenState, { kind: 'valid' }>> {
  const repo = staffRepo(ctx);
  const state = await checkResetToken(ctx, input);
  if (state.kind !== 'valid') return state;
  const passwordHash = await hashPassword(input.password);
  const tokenHash = hashToken(input.token);
  return inTransaction(ctx, async (tx) => {
    const claimedAt = ctx.clock.now().toISOString();
    if (!(await repo.claimResetToken(tokenHash, tx.trx, claimedAt)))
      return { kind: 'used' as const };
    await replacePassword(tx, state.userId, passwordHash, 'staff.password-reset');
    const user = await repo.findById(state.userId, tx.trx);
    return { kind: 'done' as const, user: toUser(user as StaffRecord) };
  });
}

/** Needs the current password; ends every session of the actor (the caller starts a new one). */
export async function changeOwnPassword(
  ctx: ServiceContext,
  input: { current: string; password: string },
  actor: NonNullable<Actor>,
): Promise<void> {
  const repo = staffRepo(ctx);
  const row = await repo.findById(actor.id);
  if (!row) throw new StaffInputError('There is no such staff account.', 404);
  if (!(await verifyPassword(input.current, row.password_hash)))
    throw new StaffInputError('Your current password is not right.');
  const passwordHash = await hashPassword(input.password);
  await inTransaction(ctx, (tx) =>
    replacePassword(tx, actor.id, passwordHash, 'staff.password-change'),
  );
}

/** A new password retires the user's reset links and ends their sessions, all in `tx`. */
async function replacePassword(
  tx: ServiceContext & { trx: Transaction<Database> },
  userId: number,
  passwordHash: string,
  action: 'staff.password-reset' | 'staff.password-change',
): Promise<void> {
  const repo = staffRepo(tx);
  await repo.update(userId, { password_hash: passwordHash }, tx.trx);
  await repo.retireResetTokens(userId, tx.trx);
  await repo.destroySessions(userId, tx.trx);
  await tx.audit.record(
    { actorUserId: userId, action, subjectType: 'staff_user', subjectId: userId },
    tx.trx,
  );
}

export async function changeRole(
  ctx: ServiceContext,
  input: { userId: number; role: string },
  actor: Actor,
): Promise<StaffSummary> {
  const role = roleField.safeParse(input.role);
  if (!role.success) throw new StaffInputError(firstIssue(role.error));
  return changeGuardingOwners(ctx, input.userId, actor, 'staff.role-change', (row) => {
    if (row.role === role.data) return null;
    return { changes: { role: role.data }, details: { from: row.role, to: role.data } };
  });
}

export async function setDisabled(
  ctx: ServiceContext,
  input: { userId: number; disabled: boolean },
  actor: Actor,
): Promise<StaffSummary> {
  const { disabled } = input;
  return changeGuardingOwners(
    ctx,
    input.userId,
    actor,
    disabled ? 'staff.disable' : 'staff.enable',
    (row) => {
      if ((row.disabled_at !== null) === disabled) return null;
      return { changes: { disabled_at: disabled ? ctx.clock.now().toISOString() : null } };
    },
  );
}

/**
 * Role and enabled-state changes share one rule: afterwards at least one enabled owner must
 * remain, or nobody could manage staff any more.
 */
async function changeGuardingOwners(
  ctx: ServiceContext,
  userId: number,
  actor: Actor,
  action: string,
  plan: (row: StaffRecord) => {
    changes: { role?: Role; disabled_at?: string | null };
    details?: Record<string, unknown>;
  } | null,
): Promise<StaffSummary> {
  const repo = staffRepo(ctx);
  await inTransaction(ctx, async (tx) => {
    const owners = await repo.lockEnabledOwners(tx.trx);
    const row = await repo.findById(userId, tx.trx);
    if (!row) throw new StaffInputError('There is no such staff account.', 404);
    const change = plan(row);
    if (!change) return;
    const after = { ...row, ...change.changes };
    const stillOwner = after.role === 'owner' && after.disabled_at === null;
    if (owners.includes(row.id) && !stillOwner && owners.length <= 1) {
      throw new StaffInputError(
        row.id === actor?.id
          ? 'You are the last owner: make someone else an owner first.'
          : `${row.name} is the last owner: make someone else an owner first.`,
        409,
      );
    }
    await repo.update(userId, change.changes, tx.trx);
    if (change.changes.disabled_at) await repo.destroySessions(userId, tx.trx);
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action,
        subjectType: 'staff_user',
        subjectId: userId,
        details: { email: row.email, ...change.details },
      },
      tx.trx,
    );
  });
  return (await getStaff(ctx, userId)) as StaffSummary;
}
