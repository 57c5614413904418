import type { Role } from '../../infra/auth/auth.tables.js';
import {
  generatePassword,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from '../../infra/auth/passwords.js';
import { type StaffUser, hashToken, newToken } from '../../infra/auth/sessions.js';
import type { Services } from '../../infra/services.js';
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

/** Staff accounts: creating them, logging in, roles, passwords and reset links. */
export class StaffService {
  private readonly repo: StaffRepository;
  private readonly now: () => Date;

  constructor(private readonly services: Services) {
    this.repo = new StaffRepository(services.db);
    this.now = () => services.clock.now();
  }

  async count(): Promise<number> {
    return this.repo.count();
  }

  async list(): Promise<StaffSummary[]> {
    return this.repo.list();
  }

  async namesByIds(ids: number[]): Promise<Map<number, string>> {
    return this.repo.namesByIds([...new Set(ids)]);
  }

  async get(id: number): Promise<StaffSummary | undefined> {
    const row = await this.repo.findById(id);
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
  async create(
    input: NewStaff,
    actorUserId: number | null,
  ): Promise<{ id: number; email: string; password: string; generated: boolean }> {
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
    if (await this.repo.findByEmail(email.data)) throw duplicate();
    const passwordHash = await hashPassword(password);
    let id: number;
    try {
      id = await this.repo.kysely.transaction().execute(async (trx) => {
        const newId = await this.repo.insert(
          { email: email.data, name: name.data, role: role.data, passwordHash },
          trx,
        );
        await this.services.audit.record(
          {
            actorUserId,
            action: 'staff.create',
            subjectType: 'staff_user',
            subjectId: newId,
            details: { email: email.data, role: role.data },
          },
          trx,
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
  async login(rawEmail: string, password: string, ip: string): Promise<LoginResult> {
    const email = normaliseEmail(rawEmail).slice(0, 320);
    const now = this.now();
    const refusal = await this.attemptRefusal(email, ip, now.getTime());
    if (refusal) return refusal;
    const row = await this.repo.findByEmail(email);
    const ok = row
      ? await verifyPassword(password, row.password_hash)
      : await verifyAgainstDummy(password);
    const allowed = ok && row !== undefined && row.disabled_at === null;
    await this.repo.recordLoginAttempt(email, ip, allowed, now.toISOString());
    if (!allowed || !row) return { kind: 'invalid' };
    if (needsRehash(row.password_hash)) {
      await this.repo.update(row.id, { password_hash: await hashPassword(password) });
    }
    return { kind: 'ok', user: toUser(row) };
  }

  /**
   * Failures count until the window passes, a password is set through a reset link (which
   * proves the owner reads the account's mail), or a login succeeds: from the same address for
   * that address's lock, from anywhere for the account's slowdown.
   */
  private async attemptRefusal(
    email: string,
    ip: string,
    nowMs: number,
  ): Promise<Extract<LoginResult, { kind: 'locked' | 'slowed' }> | undefined> {
    const windowMs = Math.max(SOURCE_LOCKOUT.windowMs, ACCOUNT_SLOWDOWN.windowMs);
    const since = new Date(nowMs - windowMs).toISOString();
    const attempts = await this.repo.recentAttempts(email, since);
    if (!attempts.some((a) => a.succeeded === 0)) return undefined;
    const user = await this.repo.findByEmail(email);
    const lastReset = user ? await this.repo.lastResetSince(user.id, since) : undefined;
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
  async requestPasswordReset(rawEmail: string): Promise<void> {
    const row = await this.repo.findByEmail(normaliseEmail(rawEmail));
    if (!row || row.disabled_at) return;
    await this.sendResetLink(row, RESET_TOKEN_TTL_MS, 'reset');
    await this.services.audit.record({
      actorUserId: null,
      action: 'staff.password-reset-requested',
      subjectType: 'staff_user',
      subjectId: row.id,
    });
  }

  /** An owner sends someone a link to set their password (new accounts, forgotten passwords). */
  async sendSetupLink(actorUserId: number, userId: number): Promise<string> {
    const row = await this.repo.findById(userId);
    if (!row) throw new StaffInputError('There is no such staff account.', 404);
    if (row.disabled_at) throw new StaffInputError('Enable this account before sending a link.');
    await this.sendResetLink(row, SETUP_LINK_TTL_MS, 'setup');
    await this.services.audit.record({
      actorUserId,
      action: 'staff.setup-link-sent',
      subjectType: 'staff_user',
      subjectId: row.id,
    });
    return row.email;
  }

  private async sendResetLink(row: StaffRecord, ttlMs: number, purpose: 'reset' | 'setup') {
    const token = newToken();
    const link = `${this.services.config.baseUrl}/password-reset/${token}`;
    await this.repo.kysely.transaction().execute(async (trx) => {
      const now = this.now();
      await this.repo.insertResetToken(
        {
          tokenHash: hashToken(token),
          userId: row.id,
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
        },
        trx,
      );
      await this.services.mailer.send(
        {
          to: row.email,
          ...passwordLinkMail(row.name, link, ttlMs, purpose),
          category: 'auth.password-reset',
        },
        trx,
      );
    });
  }

  async checkResetToken(token: string): Promise<ResetTokenState> {
    const row = await this.repo.findResetToken(hashToken(token));
    if (!row) return { kind: 'unknown' };
    if (row.used_at) return { kind: 'used' };
    if (row.expires_at <= this.now().toISOString()) return { kind: 'expired' };
    const user = await this.repo.findById(row.user_id);
    if (!user || user.disabled_at) return { kind: 'unknown' };
    return { kind: 'valid', userId: user.id, email: user.email };
  }

  /**
   * Sets the password from a reset link: single use (claimed atomically), retires the user's
   * other links and ends all their sessions.
   */
  async resetPassword(
    token: string,
    password: string,
  ): Promise<{ kind: 'done'; user: StaffUser } | Exclude<ResetTokenState, { kind: 'valid' }>> {
    const state = await this.checkResetToken(token);
    if (state.kind !== 'valid') return state;
    const passwordHash = await hashPassword(password);
    const tokenHash = hashToken(token);
    return this.repo.kysely.transaction().execute(async (trx) => {
      const claimedAt = this.now().toISOString();
      if (!(await this.repo.claimResetToken(tokenHash, trx, claimedAt)))
        return { kind: 'used' as const };
      await this.repo.update(state.userId, { password_hash: passwordHash }, trx);
      await this.repo.retireResetTokens(state.userId, trx);
      await this.repo.destroySessions(state.userId, trx);
      await this.services.audit.record(
        {
          actorUserId: state.userId,
          action: 'staff.password-reset',
          subjectType: 'staff_user',
          subjectId: state.userId,
        },
        trx,
      );
      const user = await this.repo.findById(state.userId, trx);
      return { kind: 'done' as const, user: toUser(user as StaffRecord) };
    });
  }

  /** Needs the current password; ends every session of the user (the caller starts a new one). */
  async changeOwnPassword(userId: number, current: string, next: string): Promise<void> {
    const row = await this.repo.findById(userId);
    if (!row) throw new StaffInputError('There is no such staff account.', 404);
    if (!(await verifyPassword(current, row.password_hash)))
      throw new StaffInputError('Your current password is not right.');
    const passwordHash = await hashPassword(next);
    await this.repo.kysely.transaction().execute(async (trx) => {
      await this.repo.update(userId, { password_hash: passwordHash }, trx);
      await this.repo.retireResetTokens(userId, trx);
      await this.repo.destroySessions(userId, trx);
      await this.services.audit.record(
        {
          actorUserId: userId,
          action: 'staff.password-change',
          subjectType: 'staff_user',
          subjectId: userId,
        },
        trx,
      );
    });
  }

  async changeRole(actorUserId: number, userId: number, rawRole: string): Promise<StaffSummary> {
    const role = roleField.safeParse(rawRole);
    if (!role.success) throw new StaffInputError(firstIssue(role.error));
    return this.changeGuardingOwners(actorUserId, userId, 'staff.role-change', (row) => {
      if (row.role === role.data) return null;
      return { changes: { role: role.data }, details: { from: row.role, to: role.data } };
    });
  }

  async setDisabled(actorUserId: number, userId: number, disabled: boolean) {
    return this.changeGuardingOwners(
      actorUserId,
      userId,
      disabled ? 'staff.disable' : 'staff.enable',
      (row) => {
        if ((row.disabled_at !== null) === disabled) return null;
        return { changes: { disabled_at: disabled ? new Date().toISOString() : null } };
      },
    );
  }

  /**
   * Role and enabled-state changes share one rule: afterwards at least one enabled owner must
   * remain, or nobody could manage staff any more.
   */
  private async changeGuardingOwners(
    actorUserId: number,
    userId: number,
    action: string,
    plan: (row: StaffRecord) => {
      changes: { role?: Role; disabled_at?: string | null };
      details?: Record<string, unknown>;
    } | null,
  ): Promise<StaffSummary> {
    await this.repo.kysely.transaction().execute(async (trx) => {
      const owners = await this.repo.lockEnabledOwners(trx);
      const row = await this.repo.findById(userId, trx);
      if (!row) throw new StaffInputError('There is no such staff account.', 404);
      const change = plan(row);
      if (!change) return;
      const after = { ...row, ...change.changes };
      const stillOwner = after.role === 'owner' && after.disabled_at === null;
      if (owners.includes(row.id) && !stillOwner && owners.length <= 1) {
        throw new StaffInputError(
          row.id === actorUserId
            ? 'You are the last owner: make someone else an owner first.'
            : `${row.name} is the last owner: make someone else an owner first.`,
          409,
        );
      }
      await this.repo.update(userId, change.changes, trx);
      if (change.changes.disabled_at) await this.repo.destroySessions(userId, trx);
      await this.services.audit.record(
        {
          actorUserId,
          action,
          subjectType: 'staff_user',
          subjectId: userId,
          details: { email: row.email, ...change.details },
        },
        trx,
      );
    });
    return (await this.get(userId)) as StaffSummary;
  }
}
