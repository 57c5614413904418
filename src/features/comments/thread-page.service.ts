import { type ServiceContext, queries } from '../../infra/service-context.js';
import { type CommentThread, toThread } from './comment-thread.js';
import { COMMENTS_PAGE_SIZE } from './comments.limits.js';
import * as repo from './comments.repository.js';
import type { CommentRow, CommenterRow } from './comments.repository.js';

export interface CommentNode {
  comment: CommentRow;
  /** false: removed or awaiting moderation, shown only as a placeholder for its replies. */
  visible: boolean;
  /** For flattened replies: the name of the comment answered. */
  inReplyTo?: string;
  replies: CommentNode[];
}

export interface ThreadPageData {
  thread: CommentThread;
  nodes: CommentNode[];
  visibleCount: number;
  page: number;
  pageCount: number;
  awaiting: CommentRow[];
  /** The comment named by ?reply=, when it can be answered. */
  replyTo: CommentRow | undefined;
  /** ?reply= named a comment that cannot be answered (removed, or another thread's). */
  replyGone: boolean;
}

/**
 * The conversation under each top-level comment: replies nest one level, replies to replies a
 * second, and anything deeper is shown at the second level with "in reply to" its author.
 * A reply whose parent was removed still shows, under a placeholder.
 */
export function buildTree(roots: CommentRow[], replies: CommentRow[]): CommentNode[] {
  const byId = new Map<number, CommentRow>(replies.map((r) => [r.id, r]));
  const container = (c: CommentRow): CommentRow | undefined => {
    let at: CommentRow | undefined = c;
    while (at && at.depth > 1) at = at.parent_id === null ? undefined : byId.get(at.parent_id);
    return at;
  };
  const nodes: CommentNode[] = [];
  for (const root of roots) {
    const levelOne = new Map<number, CommentNode>();
    const rootNode: CommentNode = {
      comment: root,
      visible: root.status === 'approved',
      replies: [],
    };
    const mine = replies.filter((r) => r.root_id === root.id);
    for (const r of mine.filter((x) => x.depth === 1)) {
      const node: CommentNode = { comment: r, visible: r.status === 'approved', replies: [] };
      levelOne.set(r.id, node);
      rootNode.replies.push(node);
    }
    for (const r of mine.filter((x) => x.depth >= 2 && x.status === 'approved')) {
      const parent = r.parent_id === null ? undefined : byId.get(r.parent_id);
      const node: CommentNode = {
        comment: r,
        visible: true,
        replies: [],
        ...(parent && parent.depth >= 2 ? { inReplyTo: parent.author_name } : {}),
      };
      const home = container(r);
      const homeNode = home ? levelOne.get(home.id) : undefined;
      (homeNode ? homeNode.replies : rootNode.replies).push(node);
    }
    // A hidden first-level reply stays only as the placeholder of visible answers to it.
    rootNode.replies = rootNode.replies.filter((n) => n.visible || n.replies.length > 0);
    nodes.push(rootNode);
  }
  return nodes;
}

export async function loadThreadPage(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  opts: {
    threadId: number;
    page: number;
    commenter: CommenterRow | undefined;
    replyId: number | null;
  },
): Promise<ThreadPageData | undefined> {
  const db = queries(ctx);
  const row = await repo.findThread(db, opts.threadId);
  if (!row) return undefined;
  const thread = toThread(row);
  const [visibleCount, rootCount] = await Promise.all([
    repo.countVisible(db, thread.id),
    repo.countShownRoots(db, thread.id),
  ]);
  const pageCount = Math.max(1, Math.ceil(rootCount / COMMENTS_PAGE_SIZE));
  const roots = await repo.listShownRoots(
    db,
    thread.id,
    (opts.page - 1) * COMMENTS_PAGE_SIZE,
    COMMENTS_PAGE_SIZE,
  );
  const replies = await repo.listReplies(
    db,
    roots.map((r) => r.id),
  );
  const awaiting = opts.commenter ? await repo.awaitingOf(db, thread.id, opts.commenter.id) : [];
  const candidate = opts.replyId === null ? undefined : await repo.findComment(db, opts.replyId);
  const replyTo =
    candidate && candidate.thread_id === thread.id && candidate.status === 'approved'
      ? candidate
      : undefined;
  return {
    thread,
    nodes: buildTree(roots, replies),
    visibleCount,
    page: opts.page,
    pageCount,
    awaiting,
    replyTo,
    replyGone: opts.replyId !== null && !replyTo,
  };
}
