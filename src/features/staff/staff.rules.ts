import { z } from 'zod';
import { ROLES } from '../../infra/auth/auth.tables.js';

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** Per client IP, on POST /login (@fastify/rate-limit: shared on PostgreSQL or Redis). */
export const LOGIN_IP_LIMIT = { max: 20, timeWindowMs: 60 * 1000 } as const;
/**
 * Per account and client IP, from the login_attempts table, or Redis with REDIS_URL (so it holds
 * across processes and restarts): an address that keeps guessing one account is shut out of that account only, so
 * knowing someone's email is not enough to lock them out.
 */
export const SOURCE_LOCKOUT = { maxFailures: 5, windowMs: 15 * 60 * 1000 } as const;
/**
 * Per account, across all addresses: guesses spread over many addresses get slower (a doubling
 * wait after each failure beyond the free ones, capped so the real owner waits seconds, not a
 * quarter of an hour). Attempts refused for the wait check no password and are not counted.
 */
export const ACCOUNT_SLOWDOWN = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 30 * 1000,
  windowMs: 15 * 60 * 1000,
} as const;
/** Per client IP, on POST /password-reset: each request may send a mail. */
export const PASSWORD_RESET_IP_LIMIT = { max: 5, timeWindowMs: 15 * 60 * 1000 } as const;

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Links sent to new staff by an owner: they may not read their mail within the hour. */
export const SETUP_LINK_TTL_MS = 72 * 60 * 60 * 1000;

/** Shown for any failed login, so it never says whether the email has an account. */
export const LOGIN_FAILED_MESSAGE = 'Email or password is not right.';
export const RESET_REQUESTED_MESSAGE =
  'If an account exists for that email, we sent a link to set a new password. It works for one hour.';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailField = z
  .string()
  .trim()
  .min(1, 'Enter an email address.')
  .max(EMAIL_MAX_LENGTH, `Email can be at most ${EMAIL_MAX_LENGTH} characters.`)
  .pipe(z.email('Enter a valid email address, like name@example.org.'))
  .transform(normaliseEmail);

export const nameField = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(NAME_MAX_LENGTH, `Name can be at most ${NAME_MAX_LENGTH} characters.`);

export const roleField = z.enum(ROLES, `Role must be one of: ${ROLES.join(', ')}.`);

export const newPasswordField = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `The password needs at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `The password can be at most ${PASSWORD_MAX_LENGTH} characters.`);

/** A new password typed twice; the message names the first problem. */
export const newPasswordForm = z
  .object({ password: newPasswordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, {
    message: 'The two passwords are not the same.',
    path: ['confirm'],
  });

export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Check the form and try again.';
}

/** A problem with what someone asked for, shown to them as is. */
export class StaffInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'StaffInputError';
  }
}
