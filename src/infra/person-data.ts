import type { Transaction } from 'kysely';
import type { Database } from './db/schema.js';

/** What every feature may know of a supporter when it exports or erases its own records. */
export interface PersonRecord {
  id: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  /**
   * The social-media accounts the person's record names, normalised (people/handles.service.ts);
   * `platform` is "any" when the field does not say which.
   */
  socialHandles: { platform: string; handle: string }[];
}

/**
 * What a feature stores about a person (a petition signature, a comment, an outreach case), so
 * that "export everything" and "erase" reach it. Declared on the feature (`Feature.personData`)
 * and handed to the people feature through `Services.personData`.
 */
export interface PersonDataHandler {
  name: string;
  /** Shown on the erase page: what erasure keeps here and why (a legal hold, say). */
  erasureNote?: string;
  /** Everything this feature holds on the person, as plain JSON. */
  export?(trx: Transaction<Database>, person: PersonRecord): Promise<unknown>;
  /** Remove or anonymise it; `needles` are the strings (email, names) that must not survive. */
  erase?(trx: Transaction<Database>, person: PersonRecord, needles: string[]): Promise<void>;
}
