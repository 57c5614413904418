import { isoToLondonInput } from '../../infra/clock/london-time.js';
import type { Services } from '../../infra/services.js';
import { type EventForm, createEvent } from './events.service.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A week of sessions in the demo's target seats, one of them a weekly series. */
export async function seedEventsDemo(services: Services): Promise<void> {
  const day = (offset: number) =>
    isoToLondonInput(
      new Date(services.clock.now().getTime() + offset * DAY_MS).toISOString(),
    ).slice(0, 10);
  // The weekly canvass is on Saturdays: the next one within the week.
  const saturday =
    [1, 2, 3, 4, 5, 6, 7].find((k) => new Date(`${day(k)}T12:00:00Z`).getUTCDay() === 6) ?? 1;
  const base: EventForm = {
    type: 'canvass',
    title: '',
    description: '',
    startsAt: '',
    endsAt: '',
    venue: '',
    postcode: '',
    onlineUrl: '',
    capacity: '',
    waitingList: true,
    hostName: 'Hamish Clark',
    hostStaffId: '',
    visibility: 'public',
    repeat: '',
    repeatUntil: '',
  };
  const sessions: Partial<EventForm>[] = [
    {
      title: 'Pudsey Saturday canvass',
      description:
        'We meet outside **Pudsey Library**, then knock doors in pairs. New volunteers very welcome: we train you on the spot.',
      startsAt: `${day(1)}T10:00`,
      endsAt: `${day(1)}T13:00`,
      venue: 'Pudsey Library',
      postcode: 'LS28 7BL',
      capacity: '20',
      repeat: 'weekly',
      repeatUntil: day(saturday + 28),
    },
    {
      type: 'phone_bank',
      title: 'Evening phone bank for Pudsey',
      description: 'Call supporters in Pudsey from home. Bring a laptop and headphones.',
      startsAt: `${day(2)}T18:30`,
      endsAt: `${day(2)}T20:30`,
      postcode: '',
      onlineUrl: 'https://meet.example.org/pudsey-phones',
      hostName: 'Elena Rossi',
    },
    {
      type: 'training',
      title: 'Doorstep training',
      description: 'An hour on what to say on the doorstep, and how to listen.',
      startsAt: `${day(3)}T19:00`,
      endsAt: `${day(3)}T20:00`,
      venue: 'Farsley Community Church hall',
      postcode: 'LS28 5HU',
      capacity: '12',
      waitingList: true,
    },
    {
      type: 'stall',
      title: 'Itchen street stall',
      description: 'Leaflets and a petition table on Portsmouth Road.',
      startsAt: `${day(4)}T11:00`,
      endsAt: `${day(4)}T14:00`,
      venue: 'Portsmouth Road',
      postcode: 'SO19 9AA',
      hostName: 'Dev Patel',
    },
    {
      title: 'Kensington canvass',
      description: 'Defend a 20-vote majority.',
      startsAt: `${day(5)}T10:30`,
      endsAt: `${day(5)}T13:00`,
      venue: 'Notting Hill Gate station',
      postcode: 'W11 3HT',
      hostName: 'Ben Okafor',
    },
    {
      type: 'meeting',
      title: 'Dudley North volunteers meeting',
      description: 'Plan the month.',
      startsAt: `${day(6)}T19:00`,
      endsAt: `${day(6)}T20:30`,
      venue: 'Dudley Library',
      postcode: 'DY1 1HP',
      hostName: 'Grace Adeyemi',
    },
  ];
  for (const s of sessions) {
    const r = await createEvent(services, { ...base, ...s }, null);
    if (!r.ok) throw new Error(`demo event "${s.title}": ${JSON.stringify(r.errors)}`);
  }
}
