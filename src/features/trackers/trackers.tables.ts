import type { Generated } from 'kysely';

/**
 * A campaign over a set of targets (e.g. one party's MPs), each with a status such as
 * "nominated" or "declined", counted against a threshold ("35 nominations needed").
 */
export interface TrackersTable {
  id: Generated<number>;
  slug: string;
  title: string;
  /** Plain text; URLs become links on the public board. */
  description: string;
  /** The targets feature's list the targets came from. */
  target_list_id: number;
  /** JSON array of party names the targets were chosen by; [] = the whole list. */
  parties: string;
  /** JSON array of the organiser's status labels, in display order. */
  statuses: string;
  /** JSON array: the statuses that count toward the threshold. */
  counting_statuses: string;
  /** Every target starts with this status. */
  initial_status: string;
  /** What the count counts, e.g. "nominations". */
  count_noun: string;
  threshold: number;
  /** "Contact them" leads to /letters/<letter_slug>?target=<id> and/or /storms/<storm_slug>. */
  letter_slug: string | null;
  storm_slug: string | null;
  /** 0/1: shown at /trackers. */
  published: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** Each target's current status: denormalised from the history so the board reads one table. */
export interface TrackerTargetsTable {
  tracker_id: number;
  /** A target id in the targets feature (never joined: read through its service). */
  target_id: number;
  status: string;
  evidence_url: string | null;
  note: string | null;
  /** When the current status took effect; null while it is still the initial status. */
  changed_at: string | null;
  changed_by_name: string | null;
}

/** Every status change ever recorded (append-only). */
export interface TrackerStatusChangesTable {
  id: Generated<number>;
  tracker_id: number;
  target_id: number;
  status: string;
  evidence_url: string | null;
  note: string | null;
  /** 'admin', 'csv' or 'demo'. */
  source: string;
  changed_by: number | null;
  /** The staff member's name at the time, so history reads without the staff tables. */
  changed_by_name: string | null;
  /** When the change happened (may be back-dated by an import). */
  changed_at: string;
  /** When Rally recorded it. */
  recorded_at: string;
}

export interface TrackerTables {
  trackers: TrackersTable;
  tracker_targets: TrackerTargetsTable;
  tracker_status_changes: TrackerStatusChangesTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends TrackerTables {}
}
