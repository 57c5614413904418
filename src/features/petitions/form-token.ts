import {
  type FormTokenCheck,
  type FormTokenPolicy,
  checkFormToken as checkToken,
  issueFormToken as issueToken,
} from '../../infra/http/form-token.js';

/** People take longer than this to read a petition and type their details; bots often do not. */
export const MIN_FILL_MS = 3_000;
/** A page left open longer than this must be reloaded before signing. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const FORM_SECRET_SETTING = 'petition_form_secret';

const POLICY: FormTokenPolicy = { minFillMs: MIN_FILL_MS, maxAgeMs: FORM_TOKEN_MAX_AGE_MS };

/** The sign form's token (see infra/http/form-token.ts): scoped to the petition by its id alone. */
export function issueFormToken(secret: string, petitionId: number, issuedAt = Date.now()): string {
  return issueToken(secret, String(petitionId), issuedAt);
}

export function checkFormToken(
  secret: string,
  petitionId: number,
  token: string,
  now = Date.now(),
): FormTokenCheck {
  return checkToken(secret, String(petitionId), token, POLICY, now);
}

/**
 * The confirmation page's button: no minimum time (one click is the point), and a day to press
 * it. Stateless like the sign form's, so a surge of confirmations creates no sessions.
 */
const CONFIRM_POLICY: FormTokenPolicy = { minFillMs: 0, maxAgeMs: FORM_TOKEN_MAX_AGE_MS };
const confirmScope = (petitionId: number) => `confirm.${petitionId}`;

export function issueConfirmFormToken(
  secret: string,
  petitionId: number,
  issuedAt = Date.now(),
): string {
  return issueToken(secret, confirmScope(petitionId), issuedAt);
}

export function checkConfirmFormToken(
  secret: string,
  petitionId: number,
  token: string,
  now = Date.now(),
): FormTokenCheck {
  return checkToken(secret, confirmScope(petitionId), token, CONFIRM_POLICY, now);
}
