import type { Generated } from 'kysely';

export const JOB_STATUSES = ['pending', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobTables {
  jobs: {
    id: Generated<number>;
    type: string;
    /** JSON text */
    payload: string;
    status: JobStatus;
    attempts: number;
    max_attempts: number;
    run_at: string;
    locked_at: string | null;
    locked_by: string | null;
    last_error: string | null;
    /** 0..100 for jobs that report progress (imports) */
    progress: number | null;
    created_at: string;
    updated_at: string;
    finished_at: string | null;
  };
}
