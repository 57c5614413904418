import type { PersonDataHandler } from '../../infra/person-data.js';
import * as repo from './cases.repository.js';

export const LEGAL_HOLD_NOTE =
  "Conduct cases are under a legal hold: erasing removes this person's contact details from any case about or by them, but the allegation, evidence, replies and decision are kept until the case's retention period ends (then minimised), because the campaign may need them to establish or defend a legal claim.";

/** Cases reach a person's export and erasure; see LEGAL_HOLD_NOTE for what erasure keeps. */
export const casesPersonData: PersonDataHandler = {
  name: 'cases',
  erasureNote: LEGAL_HOLD_NOTE,
  async export(trx, person) {
    const cases = await repo.casesOfPerson(trx, person.id, person.email);
    return cases.map((c) => {
      const asComplainant =
        c.complainant_person_id === person.id || c.complainant_email === person.email;
      return {
        case: c.id,
        role: asComplainant ? 'complainant' : 'respondent',
        category: c.category,
        status: c.status,
        // A respondent sees what is alleged but not an anonymous complainant's identity.
        allegation: c.summary,
        complainant: asComplainant || !c.complainant_anonymous ? c.complainant_name : null,
        receivedAt: c.received_at,
        outcome: c.outcome,
        outcomeReasons: c.outcome_reasons,
        decidedAt: c.decided_at,
        appealResult: c.appeal_result,
        closedAt: c.closed_at,
        legalHold: LEGAL_HOLD_NOTE,
      };
    });
  },
  async erase(trx, person) {
    for (const c of await repo.casesOfPerson(trx, person.id, person.email)) {
      const asComplainant =
        c.complainant_person_id === person.id || c.complainant_email === person.email;
      await repo.updateCase(
        trx,
        c.id,
        asComplainant
          ? {
              complainant_email: null,
              complainant_person_id: null,
              complainant_name: '[erased]',
              confirm_token_hash: null,
            }
          : { respondent_email: null, respondent_person_id: null, respondent_token_hash: null },
      );
    }
  },
};
