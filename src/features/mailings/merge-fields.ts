/**
 * Merge fields: `{{first_name}}`, or `{{first_name|friend}}` with a fallback for people whose
 * record has no value. The set is closed: an unknown name is refused when the mailing is saved,
 * never sent as a blank to thousands of inboxes.
 */
export const MERGE_FIELDS = {
  first_name: 'First name',
  last_name: 'Last name',
  full_name: 'First and last name',
  email: 'Email address',
  postcode: 'Postcode',
  constituency: 'Constituency name',
  region: 'Region',
  mp_name: "Their MP's name (the campaign's uk-commons list, else the 2019 winner)",
  petition_url: "The chosen petition's address, carrying the mailing's source",
  letter_url: "The chosen letter campaign's address, carrying the mailing's source",
  event_url: "The chosen event's address, carrying the mailing's source",
} as const;
export type MergeFieldName = keyof typeof MERGE_FIELDS;
export type MergeValues = Partial<Record<MergeFieldName, string | null>>;

/** Longest fallback text accepted; more is a pasted paragraph in the wrong place. */
export const FALLBACK_MAX_LENGTH = 60;

const TAG = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

export interface MergeTag {
  name: MergeFieldName;
  fallback: string;
}

export class MergeFieldError extends Error {}

function isMergeField(name: string): name is MergeFieldName {
  return Object.hasOwn(MERGE_FIELDS, name);
}

/** Every tag in the text, checked; throws MergeFieldError naming the first bad one. */
export function parseMergeTags(text: string): MergeTag[] {
  const tags: MergeTag[] = [];
  for (const match of text.matchAll(TAG)) {
    const name = (match[1] ?? '').trim();
    const fallback = (match[2] ?? '').trim();
    if (!isMergeField(name))
      throw new MergeFieldError(
        `Unknown merge field {{${name}}}. Use one of: ${Object.keys(MERGE_FIELDS).join(', ')}.`,
      );
    if (fallback.length > FALLBACK_MAX_LENGTH)
      throw new MergeFieldError(
        `The fallback of {{${name}}} can be at most ${FALLBACK_MAX_LENGTH} characters.`,
      );
    tags.push({ name, fallback });
  }
  // A stray "{{" that did not form a tag would otherwise reach inboxes as-is.
  const leftover = text.replace(TAG, '');
  if (leftover.includes('{{') || leftover.includes('}}'))
    throw new MergeFieldError('A merge field is not closed: write it as {{first_name|friend}}.');
  return tags;
}

/** The text with each tag replaced by the person's value, or its fallback. */
export function fillMergeTags(
  text: string,
  values: MergeValues,
  escape: (s: string) => string = (s) => s,
): string {
  return text.replace(TAG, (_all, rawName: string, rawFallback: string | undefined) => {
    const name = rawName.trim();
    const value = isMergeField(name) ? values[name]?.trim() : undefined;
    return escape(value ? value : (rawFallback ?? '').trim());
  });
}

export function usesField(texts: string[], name: MergeFieldName): boolean {
  return texts.some((t) => parseMergeTags(t).some((tag) => tag.name === name));
}
