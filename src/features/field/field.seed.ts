import type { Services } from '../../infra/services.js';
import { assignToSeat } from './allocation.service.js';
import { markTargetSeat, setFieldPlan } from './field.service.js';

/** 2017's lesson, replayed: targets Labour nearly won or nearly lost, and effort kept elsewhere. */
export const DEMO_TARGETS = [
  ['E14000886', 'Pudsey: Conservative hold by 331 votes in 2017.'],
  ['E14000955', 'Southampton, Itchen: Conservative hold by 31 votes.'],
  ['E14000768', 'Kensington: won by 20 votes; defend it.'],
  ['E14000671', 'Dudley North: held by 22 votes; defend it.'],
] as const;
const LEEDS_NORTH_EAST = 'E14000779';

export async function seedFieldDemo(services: Services): Promise<void> {
  await setFieldPlan(services, { party: 'lab', election: '2017' }, null);
  for (const [code, note] of DEMO_TARGETS) await markTargetSeat(services, { code, note }, null);
  // The people demo's supporters: both put in the safe seat next door, nobody in Pudsey.
  await assignToSeat(
    services,
    {
      seatCode: LEEDS_NORTH_EAST,
      staffUserId: '',
      personEmail: 'Hamish.Clark@example.org',
      hours: '16',
    },
    null,
  );
  await assignToSeat(
    services,
    {
      seatCode: LEEDS_NORTH_EAST,
      staffUserId: '',
      personEmail: 'Elena.Rossi@example.org',
      hours: '8',
    },
    null,
  );
  await assignToSeat(
    services,
    { seatCode: 'E14000955', staffUserId: '', personEmail: 'Dev.Patel@example.org', hours: '6' },
    null,
  );
  await assignToSeat(
    services,
    { seatCode: 'E14000768', staffUserId: '', personEmail: 'Ben.Okafor@example.org', hours: '4' },
    null,
  );
  await assignToSeat(
    services,
    {
      seatCode: 'E14000671',
      staffUserId: '',
      personEmail: 'Grace.Adeyemi@example.org',
      hours: '5',
    },
    null,
  );
}
