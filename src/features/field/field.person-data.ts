import type { PersonDataHandler } from '../../infra/person-data.js';

/** A supporter assigned to a seat: exported, and removed on erasure (the hours go with them). */
export const fieldPersonData: PersonDataHandler = {
  name: 'field',
  async export(trx, person) {
    return trx
      .selectFrom('field_allocations')
      .select(['seat_code', 'label', 'hours_per_week', 'created_at'])
      .where('person_id', '=', person.id)
      .execute();
  },
  async erase(trx, person) {
    await trx.deleteFrom('field_allocations').where('person_id', '=', person.id).execute();
  },
};
