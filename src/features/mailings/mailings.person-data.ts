import type { PersonDataHandler } from '../../infra/person-data.js';
import { findSuppression, recipientsOfPerson } from './mailings.repository.js';

/** Which mailings went to a person, and whether their address is suppressed. */
export const mailingsPersonData: PersonDataHandler = {
  name: 'mailings',
  async export(trx, person) {
    const rows = await recipientsOfPerson(trx, person.id);
    const suppression = await findSuppression(trx, person.email.toLowerCase());
    return {
      mailings: rows.map((r) => ({
        mailing: r.mailing_id,
        address: r.email,
        status: r.status,
        serverResponse: r.smtp_response,
        sentAt: r.sent_at,
        clickedAt: r.clicked_at,
      })),
      suppressed: suppression
        ? { reason: suppression.reason, since: suppression.created_at }
        : null,
    };
  },
  async erase(trx, person) {
    // The row stays (the mailing's counts stay true) without the address or what was merged in.
    // A suppression stays too: honouring "never email me" outlives the record.
    await trx
      .updateTable('mailing_recipients')
      .set({
        email: `erased-${person.id}@erased.invalid`,
        merge_data: '{}',
        tags: '[]',
        constituency_code: null,
        smtp_response: null,
      })
      .where('person_id', '=', person.id)
      .execute();
  },
};
