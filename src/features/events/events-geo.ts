import type { ConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { distanceKm, outcodeCentroid } from '../field/geo.service.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';

/** Distance from a typed postcode's district to each event's postcode district (the /events filter). */
export function distanceToPostcode(
  directory: ConstituencyDirectory,
  postcode: string,
): { message: string } | { distance: (e: { postcode: string | null }) => number | undefined } {
  const lookup = directory.lookupPostcode(postcode);
  if (lookup.status !== 'found') return { message: lookup.message };
  const from = outcodeCentroid(lookup.outcode);
  if (!from) return { message: `We do not know where the postcode district ${lookup.outcode} is.` };
  return {
    distance: (e) => {
      const to = e.postcode ? normalisePostcode(e.postcode) : null;
      const p = to ? outcodeCentroid(to.outcode) : undefined;
      return p ? Math.round(distanceKm(from, p) * 10) / 10 : undefined;
    },
  };
}
