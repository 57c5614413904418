import { hashLinkToken, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { getTargetList, listTargets } from '../targets/targets.service.js';
import { signatureEmailKey } from './signature-email.js';
import { changeStatus, createPetition } from './petitions.service.js';

const DEMO_SIGNERS: [string, string][] = [
  ['Amara Okafor', 'LS28 5AB'],
  ['Ben Hughes', 'M1 1AE'],
  ['Catrin Jones', 'CF10 1EP'],
  ['Dev Patel', 'B1 1BB'],
  ['Eilidh Ross', 'EH1 1YZ'],
  ['Farah Khan', 'LS18 4AA'],
  ['Gareth Evans', 'SW1A 1AA'],
  ['Hannah Smith', 'NE1 4ST'],
];

/** The demo campaign's petition (with a few confirmed signatures) and an open letter. */
export async function seedPetitionsDemo(services: Services): Promise<void> {
  const { db } = services;
  const list = await getTargetList(db, 'uk-commons');
  const someTargets = list ? (await listTargets(db, list.id, { pageSize: 1 })).targets : [];
  const petition = await createPetition(
    services,
    {
      kind: 'petition',
      title: 'Keep our libraries open',
      slug: 'keep-our-libraries-open',
      body: 'Libraries are where children learn to read, where people find work and where everyone is welcome.\n\nWe call on the government to **fund every public library** so none has to close.',
      goal: '1000',
      deadline: '',
      customQuestion: 'What does your library mean to you?',
      eligibility: 'none',
      eligibilityLabel: '',
      thankYou: 'Thank you! Now ask two friends to sign.',
      shareText: 'I signed to keep our libraries open. Will you?',
      targetListId: list ? String(list.id) : '',
      targetIds: someTargets.map((t) => String(t.id)),
    },
    null,
  );
  const letter = await createPetition(
    services,
    {
      kind: 'open_letter',
      title: 'An open letter on safe routes to school',
      slug: 'safe-routes-to-school',
      body: 'Dear Minister,\n\nWe, parents and teachers, ask you to make every route to school safe to walk and cycle.',
      goal: '500',
      deadline: '',
      customQuestion: '',
      eligibility: 'none',
      eligibilityLabel: '',
      thankYou: 'Thank you for adding your name.',
      shareText: '',
      targetListId: '',
      targetIds: [],
    },
    null,
  );
  if (!petition.ok || !letter.ok) throw new Error('demo petitions did not validate');
  await changeStatus(services, { petition: petition.record, action: 'publish' }, null);
  await changeStatus(services, { petition: letter.record, action: 'publish' }, null);

  const directory = await getConstituencyDirectory(db);
  const now = services.clock.now().toISOString();
  await db.kysely.transaction().execute(async (trx) => {
    for (const [i, [name, postcode]] of DEMO_SIGNERS.entries()) {
      const email = `${name.split(' ')[0]?.toLowerCase()}@example.org`;
      const lookup = directory.lookupPostcode(postcode);
      const top = lookup.status === 'found' ? lookup.candidates[0] : undefined;
      await trx
        .insertInto('petition_signatures')
        .values({
          petition_id: petition.record.id,
          email,
          email_key: signatureEmailKey(email) ?? email,
          email_domain: 'example.org',
          name,
          postcode,
          constituency_code: top?.code ?? null,
          constituency_name: top?.name ?? null,
          answer: null,
          membership_number: null,
          verified: null,
          consent_email: 0,
          consent_wording: null,
          show_name: i % 2,
          status: 'confirmed',
          token_hash: hashLinkToken(newLinkToken()),
          mailed_token_hash: null,
          ip: '192.0.2.1',
          disposable: 0,
          person_id: null,
          created_at: now,
          confirmed_at: now,
          last_mail_at: now,
          invalidated_at: null,
        })
        .execute();
    }
    await trx
      .updateTable('petitions')
      .set({ signature_count: DEMO_SIGNERS.length })
      .where('id', '=', petition.record.id)
      .execute();
  });
}
