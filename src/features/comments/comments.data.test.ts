import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../../../test/helpers/app.js';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import {
  HOLD_FOR_REVIEW,
  THREAT,
  THREAT_LABEL,
  THREAT_WORDS,
  withCivilityThresholds,
} from '../../../test/helpers/civility.js';
import { createStaff } from '../../../test/helpers/staff.js';
import type { Db } from '../../infra/db/database.js';
import type { Actor } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { erasePerson, exportPersonData } from '../people/data-rights.service.js';
import { currentConsent, findPersonByEmail, listActivities } from '../people/people.service.js';
import {
  BULK_MAX,
  COMMENTS_PER_COMMENTER_PER_HOUR,
  COMMENTS_PER_IP_PER_HOUR,
  COMMENT_MAX_LENGTH,
  CONFIRM_LINK_MAX_AGE_MS,
  EDIT_WINDOW_MS,
  REPORTS_PER_IP_PER_HOUR,
  REPORT_NOTE_MAX_LENGTH,
} from './comments.limits.js';
import * as repo from './comments.repository.js';
import type { CommentRow } from './comments.repository.js';
import { DEMO_THREAD_KEY, seedCommentsDemo } from './comments.seed.js';
import {
  findCommentThread,
  loadCommentsPreview,
  registerCommentThread,
  setCommentThreadOpen,
} from './comments.service.js';
import { commentsOf, confirmationLink, newThread, uniqueEmail } from './comments.test-support.js';
import { moderateComments, reinstateCommenter, sanctionCommenter } from './moderation.service.js';
import {
  type CommentSubmission,
  confirmComment,
  editComment,
  recognisedCommenter,
  reportComment,
  submitComment,
} from './posting.service.js';
import { buildTree } from './thread-page.service.js';
import { commentsPreviewSection } from './comments.public.views.js';

/** The preview as another feature's page embeds it. */
async function previewHtml(db: Db, key: string, opts: { limit?: number } = {}): Promise<string> {
  return commentsPreviewSection(await loadCommentsPreview(db, key, opts)).value;
}

function row(fields: Partial<CommentRow> & { id: number }): CommentRow {
  return {
    thread_id: 1,
    commenter_id: 1,
    parent_id: null,
    root_id: null,
    depth: 0,
    author_name: `Author ${fields.id}`,
    body: 'text',
    status: 'approved',
    guard_decision: 'allow',
    guard_score: 0,
    guard_labels: '[]',
    guard_spans: '[]',
    confirm_token_hash: null,
    consent_wording: null,
    ip: '',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    edited_at: null,
    published_at: null,
    moderated_at: null,
    moderated_by: null,
    ...fields,
  };
}

describe('comment threads are nested two levels, then flattened', () => {
  it('puts replies to replies to replies at the second level, saying whom they answer', () => {
    const root = row({ id: 1 });
    const a = row({ id: 2, parent_id: 1, root_id: 1, depth: 1 });
    const b = row({ id: 3, parent_id: 2, root_id: 1, depth: 2 });
    const c = row({ id: 4, parent_id: 3, root_id: 1, depth: 2, author_name: 'Deep' });
    const [node] = buildTree([root], [a, b, c]);
    assert.equal(node?.replies.length, 1);
    assert.deepEqual(
      node?.replies[0]?.replies.map((n) => [n.comment.id, n.inReplyTo]),
      [
        [3, undefined],
        [4, 'Author 3'],
      ],
    );
  });

  it('keeps a removed reply as a placeholder only when a visible reply hangs from it', () => {
    const root = row({ id: 1 });
    const removed = row({ id: 2, parent_id: 1, root_id: 1, depth: 1, status: 'rejected' });
    const answer = row({ id: 3, parent_id: 2, root_id: 1, depth: 2 });
    const lonely = row({ id: 4, parent_id: 1, root_id: 1, depth: 1, status: 'held' });
    const [node] = buildTree([root], [removed, answer, lonely]);
    assert.deepEqual(
      node?.replies.map((n) => [n.comment.id, n.visible]),
      [[2, false]],
    );
    assert.equal(node?.replies[0]?.replies[0]?.comment.id, 3);
  });
});

describeEachDatabase('comments: data layer', (ctx) => {
  let app: FastifyInstance;
  let services: Services;
  let moderator: NonNullable<Actor>;
  let ipCounter = 0;
  const ip = () => `192.0.2.${++ipCounter}`;

  before(async () => {
    app = await createTestApp(ctx.db);
    services = app.services;
    const staff = await createStaff(ctx.db, { role: 'moderator', name: 'Mo Derator' });
    moderator = { id: staff.id, role: 'moderator' };
  });
  after(() => app.close());

  /** The services as they would run `ms` from now: a link older, a window passed. */
  const later = (ms: number): Services => {
    const at = new Date(Date.now() + ms);
    return { ...services, clock: { now: () => at } };
  };

  const submission = (threadId: number, fields: Partial<CommentSubmission> = {}) => ({
    threadId,
    parentId: null,
    body: 'A thoughtful comment about the bus route.',
    name: 'Rosa Parks',
    email: uniqueEmail(),
    consent: false,
    ip: ip(),
    commenter: undefined,
    ...fields,
  });

  async function tokenFromOutbox(email: string): Promise<string> {
    const link = await confirmationLink(ctx.db, email);
    return /\/comments\/confirm\/([A-Za-z0-9_-]+)/.exec(link)?.[1] ?? '';
  }

  /** A commenter who has confirmed, ready to post directly (as with their cookie). */
  async function confirmed(threadId: number, email = uniqueEmail()) {
    const sub = submission(threadId, { email });
    assert.equal((await submitComment(services, sub)).kind, 'check-email');
    const result = await confirmComment(services, await tokenFromOutbox(email));
    assert.equal(result.kind, 'confirmed');
    const commenter = await recognisedCommenter(
      services,
      result.kind === 'confirmed' ? result.commenterId : null,
    );
    assert.ok(commenter);
    return commenter;
  }

  it('seeds a demo discussion of its own, with a held and a reported comment', async () => {
    await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () => seedCommentsDemo(services));
    const thread = await findCommentThread(ctx.db, DEMO_THREAD_KEY);
    assert.ok(thread);
    const rows = await commentsOf(ctx.db, thread.id);
    assert.ok(rows.some((c) => c.status === 'held'));
    assert.ok(rows.some((c) => c.depth === 2));
    const reported = await repo.listQueue(ctx.db.kysely, 'reported', 0, 50);
    assert.ok(reported.some((c) => c.thread_id === thread.id));
  });

  it('registers a thread once, updating title and address but keeping its settings', async () => {
    const first = await registerCommentThread(ctx.db, {
      key: 'petition:4242',
      title: '  Save   the bus ',
      url: '/p/save-the-bus',
    });
    assert.equal(first.title, 'Save the bus');
    assert.equal(first.mode, 'post');
    assert.equal(first.open, true);
    assert.equal(first.path, `/comments/${first.id}`);
    await repo.updateThreadSettings(
      ctx.db.kysely,
      first.id,
      { mode: 'pre', open: 0 },
      first.createdAt,
    );
    const again = await registerCommentThread(ctx.db, {
      key: 'petition:4242',
      title: 'Save our bus',
      url: 'https://example.org/bus',
    });
    assert.equal(again.id, first.id);
    assert.equal(again.title, 'Save our bus');
    assert.equal(again.url, 'https://example.org/bus');
    assert.equal(again.mode, 'pre');
    assert.equal(again.open, false);
    assert.equal((await findCommentThread(ctx.db, 'petition:4242'))?.id, first.id);
    for (const bad of [
      { key: 'no colon', title: 'x', url: '/x' },
      { key: 'petition:1', title: '   ', url: '/x' },
      { key: 'petition:1', title: 'x', url: 'javascript:alert(1)' },
      { key: 'petition:1', title: 'x', url: '//evil.example/' },
    ])
      await assert.rejects(registerCommentThread(ctx.db, bad));
  });

  it('posts a first comment only after the email is confirmed, and files the person', async () => {
    const thread = await newThread(ctx.db);
    const email = uniqueEmail('ada');
    const result = await submitComment(
      services,
      submission(thread.id, { email, name: 'Ada Lovelace', consent: true }),
    );
    assert.equal(result.kind, 'check-email');
    const [pending] = await commentsOf(ctx.db, thread.id);
    assert.equal(pending?.status, 'unconfirmed');
    assert.equal(await findPersonByEmail(ctx.db, email), undefined, 'no person before confirming');
    const preview = await previewHtml(ctx.db, thread.key);
    assert.match(preview, /No comments yet/);

    const token = await tokenFromOutbox(email);
    const confirmedResult = await confirmComment(services, token);
    assert.equal(confirmedResult.kind, 'confirmed');
    const [published] = await commentsOf(ctx.db, thread.id);
    assert.equal(published?.status, 'approved');
    assert.equal(published?.confirm_token_hash, null);
    const person = await findPersonByEmail(ctx.db, email);
    assert.ok(person);
    assert.equal(await currentConsent(ctx.db, person.id, 'email'), 'granted');
    const activities = await listActivities(ctx.db, person.id);
    assert.ok(activities.some((a) => a.kind === 'comment' && a.summary.includes(thread.title)));
    assert.equal((await confirmComment(services, token)).kind, 'invalid', 'the link works once');
  });

  it('records no consent when the box was not ticked, and expires old links', async () => {
    const thread = await newThread(ctx.db);
    const email = uniqueEmail();
    await submitComment(services, submission(thread.id, { email }));
    const token = await tokenFromOutbox(email);
    const late = later(CONFIRM_LINK_MAX_AGE_MS + 60_000);
    assert.equal((await confirmComment(late, token)).kind, 'expired');
    assert.equal((await confirmComment(services, token)).kind, 'confirmed');
    const person = await findPersonByEmail(ctx.db, email);
    assert.equal(await currentConsent(ctx.db, person!.id, 'email'), null);
    assert.equal((await confirmComment(services, 'not-a-token')).kind, 'invalid');
  });

  it('holds what the guard reviews, keeps pre-moderated comments pending, stores nothing blocked', async () => {
    const post = await newThread(ctx.db);
    const pre = await newThread(ctx.db, { mode: 'pre' });
    const commenter = await confirmed(post.id);
    const posted = async (threadId: number, body: string) => {
      const r = await submitComment(services, submission(threadId, { body, commenter }));
      return r.kind === 'posted' ? r.comment.status : r.kind;
    };
    const reviewed = (threadId: number, body: string) =>
      withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () => posted(threadId, body));
    assert.equal(await reviewed(post.id, 'He is a hypocrite and should resign.'), 'held');
    assert.equal(await posted(post.id, 'Great idea, signed and shared!'), 'approved');
    assert.equal(await posted(pre.id, 'Great idea, signed and shared!'), 'pending');
    assert.equal(await reviewed(pre.id, 'What a stupid idea'), 'held');
    const before = (await commentsOf(ctx.db, post.id)).length;
    const blocked = await submitComment(services, submission(post.id, { body: THREAT, commenter }));
    assert.equal(blocked.kind, 'blocked');
    if (blocked.kind === 'blocked') {
      assert.deepEqual(blocked.assessment.labels, [THREAT_LABEL]);
      assert.deepEqual(
        blocked.assessment.spans.map((s) => s.text),
        [THREAT_WORDS],
      );
    }
    assert.equal((await commentsOf(ctx.db, post.id)).length, before, 'nothing stored');
    const held = (await commentsOf(ctx.db, post.id)).find((c) => c.status === 'held');
    assert.ok(held && held.guard_score > 0);
    assert.deepEqual(
      (JSON.parse(held.guard_spans) as { text: string }[]).map((s) => s.text),
      ['He is a hypocrite'],
    );
  });

  it('validates text, name, email and parent, with limits as constants', async () => {
    const thread = await newThread(ctx.db);
    const errorsOf = async (fields: Partial<CommentSubmission>) => {
      const r = await submitComment(services, submission(thread.id, fields));
      assert.equal(r.kind, 'invalid');
      return r.kind === 'invalid' ? r.errors : {};
    };
    assert.match((await errorsOf({ body: '   ' })).body ?? '', /Write your comment/);
    assert.match(
      (await errorsOf({ body: 'x'.repeat(COMMENT_MAX_LENGTH + 1) })).body ?? '',
      /limit is 5,000/,
    );
    assert.match((await errorsOf({ name: 'n'.repeat(61) })).name ?? '', /at most 60/);
    assert.match((await errorsOf({ email: 'nope' })).email ?? '', /valid email/);
    assert.match((await errorsOf({ parentId: 999_999 })).parent ?? '', /not available/);
    const ok = await submitComment(
      services,
      submission(thread.id, { body: `  ${'y'.repeat(COMMENT_MAX_LENGTH)}\r\n ` }),
    );
    assert.equal(ok.kind, 'check-email', 'exactly the limit is fine once trimmed');
  });

  it('nests replies and caps their depth', async () => {
    const thread = await newThread(ctx.db);
    const commenter = await confirmed(thread.id);
    const [first] = await commentsOf(ctx.db, thread.id);
    let parentId = first!.id;
    const depths: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await submitComment(
        services,
        submission(thread.id, { commenter, parentId, body: `Reply number ${i + 1}.` }),
      );
      assert.equal(r.kind, 'posted');
      if (r.kind !== 'posted') return;
      depths.push(r.comment.depth);
      assert.equal(r.comment.root_id, first!.id);
      parentId = r.comment.id;
    }
    assert.deepEqual(depths, [1, 2, 2]);
    const other = await newThread(ctx.db);
    const cross = await submitComment(
      services,
      submission(other.id, { commenter, parentId: first!.id }),
    );
    assert.equal(cross.kind, 'invalid', 'a reply stays in its thread');
  });

  it('limits comments per commenter and per address per hour', async () => {
    const thread = await newThread(ctx.db);
    const commenter = await confirmed(thread.id);
    for (let i = 1; i < COMMENTS_PER_COMMENTER_PER_HOUR; i++) {
      const r = await submitComment(
        services,
        submission(thread.id, { commenter, body: `Point ${i}` }),
      );
      assert.equal(r.kind, 'posted');
    }
    const over = await submitComment(services, submission(thread.id, { commenter }));
    assert.equal(over.kind, 'refused');
    if (over.kind === 'refused') {
      assert.equal(over.status, 429);
      assert.match(over.message, /at most 10 comments an hour/);
    }
    assert.equal(
      (await submitComment(later(61 * 60_000), submission(thread.id, { commenter }))).kind,
      'posted',
    );

    const sharedIp = ip();
    for (let i = 0; i < COMMENTS_PER_IP_PER_HOUR; i++)
      assert.equal(
        (await submitComment(services, submission(thread.id, { ip: sharedIp }))).kind,
        'check-email',
      );
    const flood = await submitComment(services, submission(thread.id, { ip: sharedIp }));
    assert.equal(flood.kind === 'refused' && flood.status, 429);
  });

  it('refuses comments on a closed thread, which the owning feature can close and reopen', async () => {
    const thread = await newThread(ctx.db);
    assert.equal(await setCommentThreadOpen(ctx.db, thread.key, false), true);
    assert.equal((await submitComment(services, submission(thread.id))).kind, 'closed');
    assert.match(await previewHtml(ctx.db, thread.key), /Comments are closed/);
    await setCommentThreadOpen(ctx.db, thread.key, true);
    assert.equal((await submitComment(services, submission(thread.id))).kind, 'check-email');
    assert.equal(await setCommentThreadOpen(ctx.db, 'petition:missing', false), false);
  });

  it('lets the author edit within the window, re-assessing the text', async () => {
    const thread = await newThread(ctx.db);
    const author = await confirmed(thread.id);
    const stranger = await confirmed(thread.id);
    const [mine] = await commentsOf(ctx.db, thread.id);
    const editAs = (commenter: typeof author | undefined, body: string, at = services) =>
      editComment(at, { threadId: thread.id, commentId: mine!.id, commenter, body });
    const edit = (body: string) => editAs(author, body);
    assert.equal((await editAs(stranger, 'Changed')).kind, 'forbidden');
    assert.equal((await editAs(undefined, 'Changed')).kind, 'forbidden');
    assert.equal((await edit(THREAT)).kind, 'blocked');
    assert.equal((await edit(' ')).kind, 'invalid');
    const edited = await edit('Corrected: the bus runs hourly.');
    assert.equal(edited.kind, 'edited');
    if (edited.kind === 'edited') {
      assert.equal(edited.comment.status, 'approved');
      assert.ok(edited.comment.edited_at);
    }
    const held = await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () =>
      edit('What a stupid idea'),
    );
    assert.equal(held.kind === 'edited' && held.comment.status, 'held');
    const tooLate = await editAs(author, 'Again', later(EDIT_WINDOW_MS + 60_000));
    assert.equal(tooLate.kind, 'forbidden');
  });

  it('takes reports once per address, limited per hour, and lists them in the queue', async () => {
    const thread = await newThread(ctx.db);
    await confirmed(thread.id);
    const [comment] = await commentsOf(ctx.db, thread.id);
    const report = (fields: Partial<{ reason: string; note: string; ip: string }>) =>
      reportComment(services, {
        threadId: thread.id,
        commentId: comment!.id,
        reason: 'spam',
        note: '',
        ip: '203.0.113.9',
        ...fields,
      });
    assert.equal((await report({ reason: 'boring' })).kind, 'invalid');
    assert.equal((await report({ note: 'n'.repeat(REPORT_NOTE_MAX_LENGTH + 1) })).kind, 'invalid');
    assert.equal((await report({ note: 'Selling ink' })).kind, 'reported');
    assert.equal((await report({})).kind, 'reported');
    assert.equal((await repo.reportsFor(ctx.db.kysely, [comment!.id])).length, 1, 'deduplicated');
    const queue = await repo.listQueue(ctx.db.kysely, 'reported', 0, 100);
    assert.ok(queue.some((q) => q.id === comment!.id));
    const flooder = '203.0.113.77';
    for (let i = 0; i < REPORTS_PER_IP_PER_HOUR; i++) {
      const other = await newThread(ctx.db);
      await confirmed(other.id);
      const [c] = await commentsOf(ctx.db, other.id);
      assert.equal(
        (
          await reportComment(services, {
            threadId: other.id,
            commentId: c!.id,
            reason: 'other',
            note: '',
            ip: flooder,
          })
        ).kind,
        'reported',
      );
    }
    assert.equal((await report({ ip: flooder })).kind, 'rate-limited');
  });

  it('approves and rejects in bulk, resolving reports and writing both logs', async () => {
    const thread = await newThread(ctx.db, { mode: 'pre' });
    const commenter = await confirmed(thread.id);
    await submitComment(services, submission(thread.id, { commenter, body: 'Second point.' }));
    const ids = (await commentsOf(ctx.db, thread.id)).map((c) => c.id);
    assert.equal(
      (await moderateComments(services, { ids: [], action: 'approve' }, moderator)).ok,
      false,
    );
    const tooMany = Array.from({ length: BULK_MAX + 1 }, (_, i) => i + 1);
    assert.equal(
      (await moderateComments(services, { ids: tooMany, action: 'approve' }, moderator)).ok,
      false,
    );
    const approved = await moderateComments(services, { ids, action: 'approve' }, moderator);
    assert.deepEqual(approved, { ok: true, changed: 2, skipped: 0 });
    assert.equal(await repo.countVisible(ctx.db.kysely, thread.id), 2);
    await reportComment(services, {
      threadId: thread.id,
      commentId: ids[0]!,
      reason: 'abusive',
      note: '',
      ip: ip(),
    });
    const rejected = await moderateComments(
      services,
      { ids: [ids[0]!], action: 'reject' },
      moderator,
    );
    assert.deepEqual(rejected, { ok: true, changed: 1, skipped: 0 });
    assert.ok((await repo.reportsFor(ctx.db.kysely, [ids[0]!]))[0]?.resolved_at);
    const log = await repo.listLog(ctx.db.kysely, 0, 10);
    assert.equal(log[0]?.action, 'reject');
    assert.equal(log[0]?.actor_name, 'Mo Derator');
    assert.match(log[0]?.details ?? '', /reported; now rejected/);
    const audit = await services.audit.recent(5);
    assert.ok(audit.some((a) => a.action === 'comments.reject' && a.subject_id === String(ids[0])));
  });

  it('suspends and bans with a notice email; banned commenters cannot post or confirm', async () => {
    const thread = await newThread(ctx.db);
    const commenter = await confirmed(thread.id);
    const bad = await sanctionCommenter(
      services,
      {
        commenterId: commenter.id,
        kind: 'suspend',
        until: '2001-01-01',
        reason: '',
      },
      moderator,
    );
    assert.ok(!bad.ok && 'errors' in bad && bad.errors.until && bad.errors.reason);
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(
      await sanctionCommenter(
        services,
        {
          commenterId: commenter.id,
          kind: 'suspend',
          until,
          reason: 'Repeated insults',
        },
        moderator,
      ),
      { ok: true },
    );
    const fresh = await repo.findCommenter(ctx.db.kysely, commenter.id);
    const suspended = await submitComment(services, submission(thread.id, { commenter: fresh }));
    assert.equal(suspended.kind, 'refused');
    if (suspended.kind === 'refused') assert.match(suspended.message, /suspended until/);
    assert.equal(
      await reinstateCommenter(services, { commenterId: commenter.id }, moderator),
      true,
    );

    await sanctionCommenter(
      services,
      {
        commenterId: commenter.id,
        kind: 'ban',
        reason: 'Threats against another commenter',
        removeComments: true,
      },
      moderator,
    );
    assert.equal(await repo.countVisible(ctx.db.kysely, thread.id), 0, 'their comments removed');
    const banned = await repo.findCommenter(ctx.db.kysely, commenter.id);
    const viaCookie = await submitComment(services, submission(thread.id, { commenter: banned }));
    assert.equal(viaCookie.kind === 'refused' && viaCookie.status, 403);
    const viaEmail = await submitComment(
      services,
      submission(thread.id, { email: commenter.email }),
    );
    assert.equal(viaEmail.kind, 'refused', 'giving the email again does not help');
    const lateEmail = uniqueEmail('late');
    await submitComment(services, submission(thread.id, { email: lateEmail }));
    const lateCommenter = await repo.findCommenterByEmail(ctx.db.kysely, lateEmail);
    await sanctionCommenter(
      services,
      {
        commenterId: lateCommenter!.id,
        kind: 'ban',
        reason: 'Spam',
        removeComments: false,
      },
      moderator,
    );
    const lateConfirm = await confirmComment(services, await tokenFromOutbox(lateEmail));
    assert.equal(lateConfirm.kind, 'refused', 'a ban also stops a comment still awaiting its link');
    const notices = await ctx.db.kysely
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', commenter.email)
      .where('category', '=', 'comments.sanction')
      .orderBy('id')
      .execute();
    assert.equal(notices.length, 2);
    assert.match(notices[1]?.text_body ?? '', /Threats against another commenter/);
    assert.match(notices[1]?.text_body ?? '', /moderation-policy/);
  });

  it('reaches commenters through the person export and erasure', async () => {
    const thread = await newThread(ctx.db);
    const email = uniqueEmail('grace');
    const commenter = await confirmed(thread.id, email);
    await repo.updateCommenter(ctx.db.kysely, commenter.id, { display_name: 'Grace Hopper' });
    await submitComment(
      services,
      submission(thread.id, {
        commenter: { ...commenter, display_name: 'Grace Hopper' },
        body: `I am Grace Hopper, write to ${email}.`,
      }),
    );
    const other = await confirmed(thread.id);
    await submitComment(
      services,
      submission(thread.id, { commenter: other, body: `Thanks, contact ${email} then.` }),
    );
    const person = await findPersonByEmail(ctx.db, email);
    assert.ok(person);
    const exported = await exportPersonData(services, person.id, moderator);
    const mine = exported.other.comments as { comments: { text: string }[] }[];
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.comments.length, 2);

    await erasePerson(services, person.id, moderator);
    const after = await commentsOf(ctx.db, thread.id);
    const text = JSON.stringify(after);
    assert.doesNotMatch(text, new RegExp(email.replace(/[.+]/g, '\\$&')));
    assert.doesNotMatch(text, /Grace Hopper/);
    assert.equal(after.filter((c) => c.author_name === '[erased]').length, 2);
    const erased = await repo.findCommenter(ctx.db.kysely, commenter.id);
    assert.ok(erased?.erased_at);
    assert.equal(await recognisedCommenter(services, commenter.id), undefined);
  });

  it('renders the preview escaped and auto-linked, with no per-visitor content', async () => {
    const thread = await newThread(ctx.db);
    const commenter = await confirmed(thread.id);
    await submitComment(
      services,
      submission(thread.id, {
        commenter,
        body: '<script>alert(1)</script> see https://example.org/a?b=1&c=2 "><img src=x onerror=alert(1)>',
      }),
    );
    const preview = await previewHtml(ctx.db, thread.key, { limit: 5 });
    assert.match(preview, /2 comments/);
    assert.doesNotMatch(preview, /<script|<img/);
    assert.match(preview, /&lt;script&gt;/);
    assert.match(preview, /<a href="https:\/\/example.org\/a\?b=1&amp;c=2"/);
    assert.doesNotMatch(preview, /_csrf|Posting as/);
    assert.match(preview, new RegExp(`href="/comments/${thread.id}#form"`));
    assert.equal(await previewHtml(ctx.db, 'petition:none'), '');
    const one = await previewHtml(ctx.db, thread.key, { limit: 1 });
    assert.equal(one.match(/<article/g)?.length, 1);
  });

  it('seeds the demo onto the first petition’s discussion once petitions have one', async () => {
    await withCivilityThresholds(ctx.db, HOLD_FOR_REVIEW, () => seedCommentsDemo(services));
    const petitionThread = await findCommentThread(ctx.db, 'petition:4242');
    assert.ok(petitionThread);
    const rows = await commentsOf(ctx.db, petitionThread.id);
    assert.ok(rows.some((c) => c.status === 'held'));
    assert.ok(rows.some((c) => c.depth === 2));
  });
});
