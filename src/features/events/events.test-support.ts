import type { EventForm } from './events.service.js';

/**
 * The events form as an organiser fills it in, for tests: a public online meeting hosted by Hana
 * Host unless `over` says otherwise. The times are the test's own (its clock decides what is past).
 */
export function eventFormWith(
  over: Partial<EventForm> & Pick<EventForm, 'startsAt' | 'endsAt'>,
): EventForm {
  return {
    type: 'meeting',
    title: 'Planning meeting',
    description: 'Planning the next steps.',
    venue: '',
    postcode: '',
    onlineUrl: 'https://meet.example.org/planning',
    capacity: '',
    waitingList: false,
    hostName: 'Hana Host',
    hostStaffId: '',
    visibility: 'public',
    repeat: '',
    repeatUntil: '',
    ...over,
  };
}

/** A doorstep session at Pudsey Library, the in-person counterpart. */
export const PUDSEY_CANVASS = {
  type: 'canvass',
  venue: 'Pudsey Library',
  postcode: 'LS28 7BL',
  onlineUrl: '',
} as const satisfies Partial<EventForm>;
