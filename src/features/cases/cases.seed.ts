import type { Services } from '../../infra/services.js';
import * as repo from './cases.repository.js';
import { addDays } from './cases.rules.js';
import type { CaseStatus, Category, Outcome } from './cases.tables.js';

interface DemoCase {
  status: CaseStatus;
  category: Category;
  summary: string;
  respondent: string;
  daysAgo: number;
  outcome?: Outcome;
}

const DEMO: DemoCase[] = [
  {
    status: 'received',
    category: 'harassment',
    summary:
      'A volunteer at the Saturday stall kept following a passer-by and shouting at her after she declined a leaflet.',
    respondent: 'Stall volunteer (name given by complainant)',
    daysAgo: 9,
  },
  {
    status: 'investigating',
    category: 'online_abuse',
    summary:
      'Replied to our MP’s post calling her a traitor and worse, with our campaign’s hashtag.',
    respondent: 'Dan Hill',
    daysAgo: 20,
  },
  {
    status: 'appeal_window',
    category: 'bullying',
    summary: 'Regular commenter repeatedly mocks newcomers’ first comments.',
    respondent: 'Commenter “LibraryLion”',
    daysAgo: 40,
    outcome: 'warning',
  },
  {
    status: 'closed',
    category: 'online_abuse',
    summary: 'Abusive replies to a councillor, posted in our name.',
    respondent: 'Sam Price',
    daysAgo: 120,
    outcome: 'advice',
  },
];

/** A few cases in different states, so the list, the late filter and /transparency show something. */
export async function seedCasesDemo(services: Services): Promise<void> {
  const now = services.clock.now().toISOString();
  for (const d of DEMO) {
    const received = addDays(now, -d.daysAgo);
    const decided = d.outcome ? addDays(received, 18) : null;
    const id = await repo.insertCase(services.db.kysely, {
      status: d.status,
      category: d.category,
      summary: d.summary,
      complainant_name: 'Demo complainant',
      complainant_email: null,
      complainant_person_id: null,
      complainant_anonymous: 1,
      confirm_token_hash: null,
      respondent_name: d.respondent,
      respondent_email: null,
      respondent_person_id: null,
      respondent_token_hash: null,
      source: 'public',
      source_ref: null,
      handler_id: null,
      opened_by: null,
      created_at: received,
      received_at: received,
      acknowledged_at: d.status === 'received' ? null : addDays(received, 2),
      next_due_at:
        d.status === 'received'
          ? addDays(received, 5)
          : d.status === 'investigating'
            ? addDays(received, 44)
            : null,
      next_due_what:
        d.status === 'received' ? 'acknowledge' : d.status === 'investigating' ? 'decision' : null,
      outcome: d.outcome ?? null,
      outcome_reasons: d.outcome
        ? 'The posts were abusive; a first occurrence, and they accepted it.'
        : null,
      decided_at: decided,
      appeal_due_at: decided ? addDays(decided, 14) : null,
      closed_at: d.status === 'closed' && decided ? addDays(decided, 15) : null,
      updated_at: now,
    });
    await repo.insertEvent(services.db.kysely, {
      case_id: id,
      kind: 'received',
      actor_id: null,
      note: 'Demo case.',
      created_at: received,
    });
  }
}
