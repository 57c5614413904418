import type { PersonDataHandler } from '../../infra/person-data.js';
import { anonymiseSignature, signaturesOfPerson } from './petitions.repository.js';
import { signatureEmailKey } from './signature-email.js';

/** Signatures reach a person's data export and erasure (registered by petitions.feature.ts). */
export const petitionsPersonData: PersonDataHandler = {
  name: 'petitions',
  async export(trx, person) {
    const rows = await signaturesOfPerson(trx, person.id, signatureEmailKey(person.email));
    return rows.map((s) => ({
      petition: s.slug,
      title: s.title,
      status: s.status,
      name: s.name,
      email: s.email,
      postcode: s.postcode,
      constituency: s.constituency_name,
      answer: s.answer,
      membershipNumber: s.membership_number,
      emailConsent: s.consent_email === 1,
      nameShownPublicly: s.show_name === 1,
      signedAt: s.created_at,
      confirmedAt: s.confirmed_at,
    }));
  },
  async erase(trx, person) {
    const rows = await signaturesOfPerson(trx, person.id, signatureEmailKey(person.email));
    for (const s of rows) await anonymiseSignature(trx, s.id);
  },
};
