import { statusMachine } from '../../infra/status-machine.js';
import type { CaseStatus, Category, Outcome } from './cases.tables.js';

/** Longest complaint or reply text. */
export const SUMMARY_MAX_LENGTH = 10_000;
export const NAME_MAX_LENGTH = 200;
/** Reasons for a decision or an appeal ruling, and appeal grounds. */
export const REASONS_MAX_LENGTH = 5_000;
export const LINK_MAX_LENGTH = 2_000;
/** Links one complaint form may carry. */
export const LINKS_MAX = 10;
/** Largest evidence file. */
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
/** What an evidence file may be, read from its content (never its name). */
export const EVIDENCE_TYPES: ReadonlyMap<string, string> = new Map([
  ['image/jpeg', 'JPEG image'],
  ['image/png', 'PNG image'],
  ['image/gif', 'GIF image'],
  ['image/webp', 'WebP image'],
  ['application/pdf', 'PDF'],
]);
/** Groups smaller than this are merged on the public transparency page. */
export const TRANSPARENCY_MIN_GROUP = 5;
/** How long a complainant's confirmation link works. */
export const CONFIRM_LINK_DAYS = 7;

export const CATEGORY_LABELS: Record<Category, string> = {
  online_abuse: 'Abuse online in our name',
  harassment: 'Harassment',
  bullying: 'Bullying',
  discrimination: 'Discrimination',
  threats: 'Threats',
  misconduct_at_event: 'Misconduct at an event or stall',
  other: 'Something else',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  no_action: 'No action',
  advice: 'Advice',
  warning: 'Warning',
  comment_suspension: 'Suspension from commenting',
  role_removal: 'Removal from event hosting and volunteer roles',
  referral: 'Referral (recorded only)',
};

/** Above a warning, a decision needs a proposer and a different confirmer. */
export function needsSecondPerson(outcome: Outcome): boolean {
  return !['no_action', 'advice', 'warning'].includes(outcome);
}

export const STATUS_LABELS: Record<CaseStatus, string> = {
  unconfirmed: 'Awaiting complainant confirmation',
  received: 'Received',
  acknowledged: 'Acknowledged',
  investigating: 'Investigating',
  decision: 'Decision awaiting confirmation',
  appeal_window: 'Decided; appeal window open',
  appealed: 'Appealed',
  closed: 'Closed',
};

/** Every step a case may take, from which statuses; the service refuses any other order. */
export const caseMachine = statusMachine<
  'acknowledge' | 'investigate' | 'propose' | 'confirm' | 'appeal' | 'ruleOnAppeal' | 'close',
  CaseStatus
>({
  acknowledge: { from: ['received'], to: 'acknowledged', label: 'Acknowledge' },
  investigate: { from: ['acknowledged'], to: 'investigating', label: 'Start investigating' },
  propose: { from: ['investigating'], to: 'decision', label: 'Propose a decision' },
  confirm: { from: ['decision'], to: 'appeal_window', label: 'Confirm the decision' },
  appeal: { from: ['appeal_window'], to: 'appealed', label: 'Record an appeal' },
  ruleOnAppeal: { from: ['appealed'], to: 'closed', label: 'Rule on the appeal' },
  close: { from: ['appeal_window'], to: 'closed', label: 'Close' },
});
export type CaseAction = keyof typeof caseMachine.actions;

/** A refusal the user can act on: the status says which (400 bad input, 403 not you, 409 order). */
export class CaseError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422 = 409,
  ) {
    super(message);
  }
}

export function outOfOrder(action: CaseAction, status: CaseStatus): CaseError {
  return new CaseError(
    `"${caseMachine.actions[action].label}" is not possible while the case is "${STATUS_LABELS[status]}".`,
    409,
  );
}

export const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** Whitespace-tidied text, or a 400 when empty or too long. */
export function requireText(value: string, what: string, max: number): string {
  const text = value.replace(/\r\n/g, '\n').trim();
  if (!text) throw new CaseError(`Write ${what}.`, 400);
  if (text.length > max)
    throw new CaseError(
      `${what[0]?.toUpperCase()}${what.slice(1)} can be at most ${max.toLocaleString('en-GB')} characters.`,
      400,
    );
  return text;
}
