import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { PersonDataHandler, PersonRecord } from '../../infra/person-data.js';
import { sameHandle } from '../people/handles.service.js';

/** The people feature's platform names for the accounts reach records call by another name. */
const PERSON_PLATFORM: Record<string, string> = { x: 'twitter' };

/** The reach records of accounts the person's record names as theirs. */
async function recordsOf(trx: Transaction<Database>, person: PersonRecord) {
  if (person.socialHandles.length === 0) return [];
  // Stored handles are normalised like the person's, but Bluesky's default domain is optional.
  const candidates = person.socialHandles.flatMap((h) => [
    h.handle,
    h.handle.replace(/\.bsky\.social$/, ''),
    `${h.handle.replace(/\.bsky\.social$/, '')}.bsky.social`,
  ]);
  const rows = await trx
    .selectFrom('reach_records')
    .selectAll()
    .where('handle', 'in', [...new Set(candidates)])
    .orderBy('id')
    .execute();
  return rows.filter((r) =>
    person.socialHandles.some(
      (h) =>
        (h.platform === 'any' || h.platform === (PERSON_PLATFORM[r.platform] ?? r.platform)) &&
        sameHandle(h.handle, r.handle),
    ),
  );
}

/**
 * Reach records name accounts, and an account a supporter gave as theirs is personal data. Erasure
 * keeps the follower count in the totals (as one account still) but not which account it was.
 */
export const reachPersonData: PersonDataHandler = {
  name: 'reach',
  async export(trx, person) {
    return (await recordsOf(trx, person)).map((r) => ({
      for: `${r.subject_type} ${r.subject_id}`,
      platform: r.platform,
      handle: r.handle_display,
      followers: r.followers,
      kind: r.kind,
      occurredAt: r.occurred_at,
    }));
  },
  async erase(trx, person) {
    const ids = (await recordsOf(trx, person)).map((r) => r.id);
    if (ids.length === 0) return;
    const erased = `erased-person-${person.id}`;
    await trx
      .updateTable('reach_records')
      .set({ handle: erased, handle_display: 'Erased account' })
      .where('id', 'in', ids)
      .execute();
  },
};
