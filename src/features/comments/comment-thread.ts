import type { ThreadRow } from './comments.repository.js';
import type { ModerationMode } from './comments.tables.js';

/** A discussion as other features and the views see it. */
export interface CommentThread {
  id: number;
  /** The owning page, e.g. "petition:42". */
  key: string;
  title: string;
  /** The owning page's address. */
  url: string;
  /** The full discussion page. */
  path: string;
  mode: ModerationMode;
  open: boolean;
  createdAt: string;
  updatedAt: string;
}

export function commentThreadPath(threadId: number): string {
  return `/comments/${threadId}`;
}

export function toThread(row: ThreadRow): CommentThread {
  return {
    id: row.id,
    key: row.key,
    title: row.title,
    url: row.url,
    path: commentThreadPath(row.id),
    mode: row.mode,
    open: row.open === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
