import type { PersonDataHandler } from '../../infra/person-data.js';
import { anonymisePost, postsOfPerson } from './storms.repository.js';

/** "I posted" records reach a person's data export and erasure (registered by storms.feature.ts). */
export const stormsPersonData: PersonDataHandler = {
  name: 'storms',
  async export(trx, person) {
    const rows = await postsOfPerson(trx, person.id, person.email);
    return rows.map((p) => ({
      storm: p.slug,
      title: p.title,
      suggestion: p.variant,
      platform: p.platform,
      editedTheWords: p.edited === 1,
      email: p.email,
      consentWording: p.consent_wording,
      postedAt: p.created_at,
      confirmedAt: p.confirmed_at,
    }));
  },
  async erase(trx, person) {
    for (const p of await postsOfPerson(trx, person.id, person.email))
      await anonymisePost(trx, p.id);
  },
};
