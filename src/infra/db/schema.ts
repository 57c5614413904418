import type { Generated } from 'kysely';
import type { AuthTables } from '../auth/auth.tables.js';
import type { JobTables } from '../jobs/jobs.tables.js';
import type { TargetTables } from '../../features/targets/targets.tables.js';
import type { PeopleTables } from '../../features/people/people.tables.js';
import type { PeopleImportTables } from '../../features/people/import/import.tables.js';
import type { ConstituencyTables } from '../../features/constituencies/constituencies.tables.js';
import type { MailTables } from '../mail/mail.tables.js';
import type { PetitionTables } from '../../features/petitions/petitions.tables.js';
import type { CommentTables } from '../../features/comments/comments.tables.js';
import type { OutreachTables } from '../../features/outreach/outreach.tables.js';
import type { LetterTables } from '../../features/letters/letters.tables.js';
import type { TrackerTables } from '../../features/trackers/trackers.tables.js';
import type { StormTables } from '../../features/storms/storms.tables.js';

/**
 * The whole database as Kysely sees it. Each table belongs to one module; only that module's
 * repository queries it. Feature modules add their table interfaces here as they arrive.
 */
export interface Database
  extends
    CoreTables,
    AuthTables,
    JobTables,
    MailTables,
    TargetTables,
    PeopleTables,
    PeopleImportTables,
    ConstituencyTables,
    PetitionTables,
    CommentTables,
    OutreachTables,
    LetterTables,
    TrackerTables,
    StormTables {}

export interface CoreTables {
  settings: { key: string; value: string };
  audit_log: {
    id: Generated<number>;
    actor_user_id: number | null;
    action: string;
    subject_type: string | null;
    subject_id: string | null;
    details: string | null;
    created_at: string;
  };
}
