import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import * as repo from './comments.repository.js';
import type { CommentRow } from './comments.repository.js';
import { registerCommentThread, toThread } from './comments.service.js';
import { statusFor } from './posting.service.js';

export const DEMO_THREAD_KEY = 'demo:welcome';

interface DemoComment {
  who: [string, string];
  text: string;
  /** Index of the comment it answers. */
  replyTo?: number;
  minutesAgo: number;
}

const DEMO_COMMENTS: DemoComment[] = [
  {
    who: ['Amara Okafor', 'amara@example.org'],
    text: 'Welcome, everyone! Our branch library is open three days a week now. Who else is going to the council meeting on Thursday?',
    minutesAgo: 180,
  },
  {
    who: ['Ben Hughes', 'ben@example.org'],
    text: "I'll be there. The council's own figures are here: https://example.org/library-report (page 12 has the opening hours).",
    replyTo: 0,
    minutesAgo: 150,
  },
  {
    who: ['Catrin Jones', 'catrin@example.org'],
    text: 'Thanks Ben. Can we meet outside at 6:30 and go in together?',
    replyTo: 1,
    minutesAgo: 120,
  },
  {
    who: ['Dev Patel', 'dev@example.org'],
    text: 'Signed and shared with my neighbours. The mobile library stop on our estate was cut last year too.',
    minutesAgo: 90,
  },
  {
    who: ['Gareth Evans', 'gareth@example.org'],
    text: 'The councillor is a hypocrite and should resign.',
    minutesAgo: 45,
  },
  {
    who: ['Hannah Smith', 'hannah@example.org'],
    text: 'Cheap printer ink, best prices in town: https://example.com/ink-deals',
    minutesAgo: 20,
  },
];

/**
 * A demo discussion with a short conversation, one comment the guard held for review and one a
 * reader reported, so the queue has something in each of its busiest tabs. It goes on the first
 * petition's discussion when the petitions demo has registered one (seeded before this), so it
 * shows on that petition's page; otherwise on a discussion of its own.
 */
export async function seedCommentsDemo(services: Services): Promise<void> {
  const { db } = services;
  const petitionThread = await repo.firstThreadWithKeyPrefix(db.kysely, 'petition:');
  const thread = petitionThread
    ? toThread(petitionThread)
    : await registerCommentThread(db, {
        key: DEMO_THREAD_KEY,
        title: 'Welcome to the campaign discussion',
        url: '/petitions',
      });
  const guard = await campaignGuard(db);
  const created: CommentRow[] = [];
  await db.kysely.transaction().execute(async (trx) => {
    for (const demo of DEMO_COMMENTS) {
      const at = new Date(Date.now() - demo.minutesAgo * 60_000).toISOString();
      const commenter = await repo.ensureCommenter(trx, demo.who[1], demo.who[0], at);
      await repo.updateCommenter(trx, commenter.id, { confirmed_at: at });
      const a = guard.assess(demo.text);
      const decision = a.decision === 'allow' ? 'allow' : 'review';
      const status = statusFor(decision, thread.mode);
      const parent = demo.replyTo === undefined ? undefined : created[demo.replyTo];
      created.push(
        await repo.insertComment(trx, {
          thread_id: thread.id,
          commenter_id: commenter.id,
          parent_id: parent?.id ?? null,
          root_id: parent ? (parent.root_id ?? parent.id) : null,
          depth: parent ? Math.min(parent.depth + 1, 2) : 0,
          author_name: demo.who[0],
          body: demo.text,
          status,
          guard_decision: decision,
          guard_score: a.score,
          guard_labels: JSON.stringify(a.labels),
          guard_spans: JSON.stringify(a.spans),
          confirm_token_hash: null,
          consent_wording: null,
          ip: '192.0.2.1',
          created_at: at,
          updated_at: at,
          edited_at: null,
          published_at: status === 'approved' ? at : null,
          moderated_at: null,
          moderated_by: null,
        }),
      );
    }
    const spam = created[created.length - 1] as CommentRow;
    await repo.insertReport(
      trx,
      {
        commentId: spam.id,
        reason: 'spam',
        note: 'Advertising, nothing to do with libraries.',
        ip: '192.0.2.2',
      },
      new Date().toISOString(),
    );
  });
}
