import type { PersonDataHandler } from '../../infra/person-data.js';
import { friendHash } from './rsvp.service.js';

/** RSVPs and attendance reach a person's export and erasure. */
export const eventsPersonData: PersonDataHandler = {
  name: 'events',
  async export(trx, person) {
    const rows = await trx
      .selectFrom('event_rsvps')
      .innerJoin('events', 'events.id', 'event_rsvps.event_id')
      .select([
        'events.slug',
        'events.title',
        'events.starts_at',
        'event_rsvps.name',
        'event_rsvps.email',
        'event_rsvps.postcode',
        'event_rsvps.phone',
        'event_rsvps.status',
        'event_rsvps.consent',
        'event_rsvps.walk_in',
        'event_rsvps.checked_in_at',
        'event_rsvps.created_at',
        'event_rsvps.confirmed_at',
        'event_rsvps.cancelled_at',
      ])
      .where((eb) =>
        eb.or([
          eb('event_rsvps.person_id', '=', person.id),
          eb('event_rsvps.email_key', '=', person.email.toLowerCase()),
        ]),
      )
      .execute();
    return rows;
  },
  async erase(trx, person) {
    const rows = await trx
      .selectFrom('event_rsvps')
      .select('id')
      .where((eb) =>
        eb.or([eb('person_id', '=', person.id), eb('email_key', '=', person.email.toLowerCase())]),
      )
      .execute();
    // An invitation to them is forgotten; ones they sent stay counted for their inviter's event.
    await trx
      .deleteFrom('event_invitations')
      .where('friend_hash', '=', friendHash(person.email))
      .execute();
    // The place and the attendance stay counted; who it was does not.
    for (const { id } of rows)
      await trx
        .updateTable('event_rsvps')
        .set({
          name: 'Erased',
          email: '',
          email_key: `erased:${id}`,
          postcode: null,
          phone: null,
          person_id: null,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
  },
};
