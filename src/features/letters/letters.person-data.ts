import type { PersonDataHandler } from '../../infra/person-data.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { anonymiseLetter, lettersOfPerson } from './letters.repository.js';

/** Letters reach a person's data export and erasure (registered by letters.feature.ts). */
export const lettersPersonData: PersonDataHandler = {
  name: 'letters',
  async export(trx, person) {
    const rows = await lettersOfPerson(
      trx,
      person.id,
      normaliseEmail(person.email) ?? person.email,
    );
    return rows.map((l) => ({
      campaign: l.campaign_slug,
      campaignTitle: l.campaign_title,
      to: l.target_name,
      status: l.status,
      name: l.sender_name,
      email: l.sender_email,
      postcode: l.sender_postcode,
      address: l.sender_address,
      subject: l.subject,
      body: l.body,
      emailConsent: l.consent_wording !== null,
      followUpWanted: l.follow_up_wanted === 1,
      reply: l.reply,
      writtenAt: l.created_at,
      confirmedAt: l.confirmed_at,
      deliveredAt: l.delivered_at,
    }));
  },
  async erase(trx, person) {
    const rows = await lettersOfPerson(
      trx,
      person.id,
      normaliseEmail(person.email) ?? person.email,
    );
    for (const letter of rows) await anonymiseLetter(trx, letter);
  },
};
