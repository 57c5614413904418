import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { loadUkConstituencies } from '../constituencies/uk-data.service.js';
import { recordActivity, recordConsent, upsertPerson } from './people.service.js';
import { saveSegment } from './segments.service.js';

const DEMO_WORDING = 'Keep me updated about this campaign by email. I can unsubscribe at any time.';

const DEMO_PEOPLE = [
  ['Amira', 'Hassan', 'DN2 4AB', ['volunteer'], 'granted', ['signed', 'letter']],
  ['Ben', 'Okafor', 'CF31 1AA', ['donor'], 'granted', ['signed']],
  ['Carys', 'Evans', 'CF31 3AJ', ['volunteer', 'leafleter'], 'withdrawn', ['signed', 'comment']],
  ['Dev', 'Patel', 'E1 6AN', [], null, ['signed']],
  ['Elena', 'Rossi', 'M61 1AB', ['volunteer'], 'granted', ['letter']],
  ['Finn', 'McCarthy', 'IV10 8RX', [], 'granted', ['signed']],
  ['Grace', 'Adeyemi', 'DN2 5QT', ['donor', 'volunteer'], 'granted', ['signed', 'letter']],
  ['Hamish', 'Clark', 'LS28 5AB', [], null, []],
] as const;

/** A small, believable supporter list so the people pages have something to show. */
export async function seedPeopleDemo(services: Services): Promise<void> {
  const { db } = services;
  // Demo postcodes should show constituencies; seeding runs on an empty database.
  if (!(await getConstituencyDirectory(db)).isLoaded()) await loadUkConstituencies(db);
  for (const [first, last, postcode, tags, consent, actions] of DEMO_PEOPLE) {
    const { id } = await upsertPerson(db, {
      email: `${first}.${last}@example.org`,
      firstName: first,
      lastName: last,
      postcode,
      tags: [...tags],
      source: 'demo',
    });
    if (consent === 'withdrawn')
      await recordConsent(db, id, {
        channel: 'email',
        status: 'granted',
        method: 'form',
        wording: DEMO_WORDING,
        source: 'demo',
      });
    if (consent)
      await recordConsent(db, id, {
        channel: 'email',
        status: consent,
        method: consent === 'granted' ? 'form' : 'admin',
        wording: consent === 'granted' ? DEMO_WORDING : 'Asked by email to stop hearing from us.',
        source: 'demo',
      });
    for (const kind of actions)
      await recordActivity(db, id, {
        kind,
        summary: kind === 'signed' ? 'Signed the demo petition' : `Demo ${kind}`,
        refType: 'demo',
      });
  }
  await saveSegment(
    services,
    { name: 'Volunteers we can email', filters: { tag: 'volunteer', consent: 'granted' } },
    null,
  );
}
