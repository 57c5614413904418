import type { Generated } from 'kysely';

/**
 * Follower counts an organiser records for a storm or a petition: one row per post or share
 * they know of (the account, its platform, its followers then, and when). "Estimated reach" is
 * the sum of followers over the distinct accounts, each counted once.
 */
export interface ReachTables {
  reach_records: {
    id: Generated<number>;
    /** storm or petition */
    subject_type: string;
    subject_id: number;
    /** x, bluesky, mastodon, facebook, instagram, tiktok, threads, linkedin, other */
    platform: string;
    /** Normalised (people/handles.service): lower-case, no @; the deduplication key. */
    handle: string;
    /** As the organiser typed it, for display. */
    handle_display: string;
    followers: number;
    /** post or share */
    kind: string;
    /** UTC ISO: when it was posted or shared. */
    occurred_at: string;
    recorded_by: number | null;
    created_at: string;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends ReachTables {}
}
