import type { Generated } from 'kysely';

export const MODERATOR_DECISIONS = ['approve', 'reject'] as const;
export type ModeratorDecision = (typeof MODERATOR_DECISIONS)[number];

/** One moderator decision on text the guard held or a reader reported: a labelled example. */
export interface CivilityExamplesTable {
  id: Generated<number>;
  /** The feature that held the text ("comment"), and its id there: one example per text. */
  source: string;
  source_id: string;
  text: string;
  /** The guard's score and decision when it assessed the text. */
  guard_score: number;
  guard_decision: string;
  decision: ModeratorDecision;
  /** The writer, so that erasing a person removes their examples. */
  person_id: number | null;
  person_email: string | null;
  moderator_user_id: number | null;
  created_at: string;
}

/**
 * A campaign calibration learnt from its examples: the guard's score s becomes
 * sigmoid(slope · logit(s) + intercept). The newest row not rolled back is in force.
 */
export interface CivilityCalibrationsTable {
  id: Generated<number>;
  slope: number;
  intercept: number;
  examples: number;
  /** JSON: the figures shown when it was made (before/after on the decisions and the suite). */
  figures: string;
  created_by: number | null;
  created_at: string;
  rolled_back_at: string | null;
}

export interface CivilityTables {
  civility_examples: CivilityExamplesTable;
  civility_calibrations: CivilityCalibrationsTable;
}

declare module '../../infra/db/schema.js' {
  interface Database extends CivilityTables {}
}
