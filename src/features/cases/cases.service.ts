/**
 * What other features may use of cases (eslint/layers.js: only *.service.ts files are shared).
 *
 * Integration points for features built elsewhere (events, volunteer rotas):
 * - `registerCaseOutcomeApplier('role_removal', fn)`: when a decision to remove someone from event
 *   hosting and volunteer roles is issued, `fn` applies it and says what it did; until a feature
 *   registers one, the outcome is recorded and the record says nothing was applied.
 * - `newCaseHref({ source: 'event_checkin', ref })`: the link a check-in page offers staff to open
 *   a case (the form records where it came from).
 */
import type { Actor, ServiceContext } from '../../infra/service-context.js';
import type { Outcome } from './cases.tables.js';

export interface OutcomeTarget {
  caseId: number;
  respondentName: string;
  respondentEmail: string | null;
  respondentPersonId: number | null;
  reasons: string;
}

/** Applies an outcome inside the decision's transaction and says what it did (or throws). */
export type OutcomeApplier = (
  ctx: ServiceContext,
  target: OutcomeTarget,
  actor: Actor,
) => Promise<string>;

const appliers = new Map<Extract<Outcome, 'role_removal'>, OutcomeApplier>();

/** Returns a function that removes the applier again (tests, a feature switched off). */
export function registerCaseOutcomeApplier(
  outcome: Extract<Outcome, 'role_removal'>,
  applier: OutcomeApplier,
): () => void {
  appliers.set(outcome, applier);
  return () => {
    if (appliers.get(outcome) === applier) appliers.delete(outcome);
  };
}

export function outcomeApplier(
  outcome: Extract<Outcome, 'role_removal'>,
): OutcomeApplier | undefined {
  return appliers.get(outcome);
}

export type CaseOrigin = 'comment' | 'outreach' | 'event_checkin' | 'person';

/** Where staff open a case from another page; `ref` says what (a comment id, a check-in id…). */
export function newCaseHref(origin: { source: CaseOrigin; ref: string | number }): string {
  const params = new URLSearchParams({ source: origin.source, ref: String(origin.ref) });
  return `/admin/cases/new?${params.toString()}`;
}
