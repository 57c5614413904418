import { type ServiceContext, queries } from '../../infra/service-context.js';
import type { PetitionRow, SignatureRow } from './petitions.repository.js';
import { validateSignature } from './petitions.rules.js';
import { isSignable } from './petitions.service.js';
import { signatureEmailKey } from './signature-email.js';
import { flushSignatures, signItemOf } from './signing.service.js';

export type { PetitionRow, SignatureRow };

/** Petitions and signatures as a feed for machines (the OSDI API). */
export interface FeedPage {
  modifiedAfter?: string;
  modifiedBefore?: string;
  limit: number;
  offset: number;
}

export async function listPetitionsFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  q: FeedPage,
): Promise<{ petitions: PetitionRow[]; total: number }> {
  const base = queries(ctx)
    .selectFrom('petitions')
    .$if(q.modifiedAfter !== undefined, (b) => b.where('updated_at', '>', q.modifiedAfter ?? ''))
    .$if(q.modifiedBefore !== undefined, (b) => b.where('updated_at', '<', q.modifiedBefore ?? ''));
  const [petitions, count] = await Promise.all([
    base.selectAll().orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { petitions, total: Number(count.n) };
}

export function getPetitionForFeed(ctx: Pick<ServiceContext, 'db' | 'trx'>, id: number) {
  return queries(ctx).selectFrom('petitions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getPetitionBySlugForFeed(ctx: Pick<ServiceContext, 'db' | 'trx'>, slug: string) {
  return queries(ctx)
    .selectFrom('petitions')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
}

/** When a signature last changed: confirmed or invalidated after it was made. */
export function signatureModifiedAt(s: SignatureRow): string {
  return s.invalidated_at ?? s.confirmed_at ?? s.created_at;
}

/** Signatures of one petition or of one person (by person id, or the email they signed with). */
export async function listSignaturesFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  q: FeedPage & { petitionId?: number; person?: { id: number; email: string } },
): Promise<{ signatures: SignatureRow[]; total: number }> {
  const emailKey = q.person ? signatureEmailKey(q.person.email) : null;
  const base = queries(ctx)
    .selectFrom('petition_signatures')
    .$if(q.petitionId !== undefined, (b) => b.where('petition_id', '=', q.petitionId ?? 0))
    .$if(q.person !== undefined, (b) =>
      b.where((eb) =>
        eb.or([
          eb('person_id', '=', q.person?.id ?? 0),
          ...(emailKey ? [eb('email_key', '=', emailKey)] : []),
        ]),
      ),
    )
    .$if(q.modifiedAfter !== undefined, (b) =>
      b.where((eb) =>
        eb(
          eb.fn.coalesce('invalidated_at', 'confirmed_at', 'created_at'),
          '>',
          q.modifiedAfter ?? '',
        ),
      ),
    )
    .$if(q.modifiedBefore !== undefined, (b) =>
      b.where((eb) =>
        eb(
          eb.fn.coalesce('invalidated_at', 'confirmed_at', 'created_at'),
          '<',
          q.modifiedBefore ?? '',
        ),
      ),
    );
  const [signatures, count] = await Promise.all([
    base.selectAll().orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { signatures, total: Number(count.n) };
}

export function getSignatureForFeed(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  petitionId: number,
  id: number,
) {
  return queries(ctx)
    .selectFrom('petition_signatures')
    .selectAll()
    .where('id', '=', id)
    .where('petition_id', '=', petitionId)
    .executeTakeFirst();
}

export interface ApiSignatureInput {
  petitionId: number;
  name: string;
  email: string;
  postcode: string;
  answer: string | null;
  membershipNumber: string | null;
  /** The consent wording the person was shown, when they ticked it; consent waits for confirmation. */
  consentWording: string | null;
  showName: boolean;
  ip: string;
}

export type ApiSignatureResult =
  | { ok: true; outcome: 'created' | 'resent' | 'unchanged'; signature: SignatureRow }
  | { ok: false; status: 404 | 409 | 422; message: string };

/**
 * A signature sent by an API client, through the same path as the public form: the same
 * validation, the same writer (pending, with the confirmation mail; person, timeline and consent
 * follow confirmation), so an API cannot count a signature nobody confirmed.
 */
export async function signThroughApi(
  ctx: ServiceContext,
  input: ApiSignatureInput,
): Promise<ApiSignatureResult> {
  const petition = await getPetitionForFeed(ctx, input.petitionId);
  if (!petition) return { ok: false, status: 404, message: 'There is no petition with that id.' };
  if (!isSignable(petition, ctx.clock.now()))
    return { ok: false, status: 409, message: 'This petition is not taking signatures.' };
  const checked = validateSignature(
    {
      name: input.name,
      email: input.email,
      postcode: input.postcode,
      answer: input.answer ?? '',
      membershipNumber: input.membershipNumber ?? '',
      consent: input.consentWording !== null,
      showName: input.showName,
    },
    { askMembershipNumber: petition.eligibility === 'membership_number' },
  );
  if (!checked.ok)
    return { ok: false, status: 422, message: Object.values(checked.errors).join(' ') };
  const sig = checked.value;
  const [outcome] = await flushSignatures(ctx, [
    await signItemOf(ctx.db, petition, sig, {
      consentWording: input.consentWording,
      showName: input.showName,
      // Signatures through the API are attributed to it (the client's own link is not ours to see).
      source: 'api',
      ip: input.ip,
    }),
  ]);
  const signature = await queries(ctx)
    .selectFrom('petition_signatures')
    .selectAll()
    .where('petition_id', '=', petition.id)
    .where('email_key', '=', sig.emailKey)
    .executeTakeFirstOrThrow();
  return { ok: true, outcome: outcome ?? 'unchanged', signature };
}

/** Signed → confirmed, for signatures made in a period (the confirmation rate). */
export async function signatureFunnel(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  period: { from: string; to: string },
): Promise<{ signed: number; confirmed: number }> {
  const row = await queries(ctx)
    .selectFrom('petition_signatures')
    .select([
      (eb) => eb.fn.countAll<number>().as('signed'),
      (eb) => eb.fn.count<number>('confirmed_at').as('confirmed'),
    ])
    .where('created_at', '>=', period.from)
    .where('created_at', '<', period.to)
    .executeTakeFirstOrThrow();
  return { signed: Number(row.signed), confirmed: Number(row.confirmed) };
}
