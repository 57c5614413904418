/**
 * UK postcodes: an outward code (the postcode district, e.g. LS28) and an inward code (e.g. 5AB).
 * Outward codes have the shapes A9, A99, AA9, AA99, A9A or AA9A; inward codes 9AA. Only the shape
 * is checked, not which letters may stand where: whether a district exists is the directory's
 * question, and it answers "unknown" (with a search by name) rather than "invalid", which keeps
 * NHS pseudo-postcodes such as ZZ99 and retired districts such as W1M from being called typos.
 */

/** Longer input is not a postcode, however it is spaced. */
export const POSTCODE_INPUT_MAX_LENGTH = 16;

const OUTCODE = /^(?:[A-Z]{1,2}[0-9]{1,2}|[A-Z]{1,2}[0-9][A-Z])$/;
const INCODE = /^[0-9][A-Z]{2}$/;
/** Girobank's historic code, the one postcode outside the pattern. */
const GIRO = { outcode: 'GIR', incode: '0AA' };

export interface NormalisedPostcode {
  /** The postcode district, e.g. LS28. */
  outcode: string;
  /** e.g. 5AB; null when only the district was given. */
  incode: string | null;
  /** Upper case with one space: "LS28 5AB", or just "LS28". */
  formatted: string;
}

/**
 * Accepts a full postcode or just its district, in any case and spacing ("ls28 5ab", "LS285AB",
 * " ls28  5ab ", "LS28"); null when it cannot be a postcode. Spaces are ignored wherever they
 * fall because the inward code is always the last three characters, so the split is unambiguous
 * and people who space it oddly still get an answer.
 */
export function normalisePostcode(input: string): NormalisedPostcode | null {
  if (typeof input !== 'string' || input.length > POSTCODE_INPUT_MAX_LENGTH) return null;
  const compact = input.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 2 || compact.length > 7) return null;
  if (compact.length >= 5) {
    const outcode = compact.slice(0, -3);
    const incode = compact.slice(-3);
    const valid =
      (OUTCODE.test(outcode) && INCODE.test(incode)) ||
      (outcode === GIRO.outcode && incode === GIRO.incode);
    if (valid) return { outcode, incode, formatted: `${outcode} ${incode}` };
  }
  if (OUTCODE.test(compact)) return { outcode: compact, incode: null, formatted: compact };
  return null;
}
