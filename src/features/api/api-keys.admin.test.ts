import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff } from '../../../test/helpers/staff.js';
import { osdiClient } from './api.test-support.js';

describeEachDatabase('API keys admin', (ctx) => {
  const suite = appWithStaff(ctx, ['owner', 'organiser']);

  it('an owner creates a named, scoped key, sees it once, and revokes it', async () => {
    const owner = suite.as.owner;
    const empty = await owner.get('/admin/api-keys');
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /No API keys yet/);

    const made = await owner.post('/admin/api-keys', {
      name: 'Stall script',
      scope_people: 'write',
      scope_tags: 'read',
      scope_petitions: 'none',
      // Messages are read-only: a forged "write" grants read.
      scope_messages: 'write',
    });
    assert.equal(made.statusCode, 201);
    assert.doesNotMatch(empty.body, /name="scope_messages"\s+value="write"/);
    assert.match(empty.body, /name="scope_events"\s+value="write"/);
    const secret = /data-testid="api-key-secret">(rally_[A-Za-z0-9_-]+)</.exec(made.body)?.[1];
    assert.ok(secret, 'the key is shown once');
    assert.match(made.body, /people: write, tags: read/);
    assert.match(made.body, /messages: read/);

    const later = await owner.get('/admin/api-keys');
    assert.doesNotMatch(later.body, new RegExp(secret));
    assert.match(later.body, /Never/);

    const osdi = osdiClient(suite.app, secret);
    assert.equal((await osdi.get('/api/v1/people')).status, 200);
    assert.equal((await osdi.get('/api/v1/petitions')).status, 403);
    assert.doesNotMatch((await owner.get('/admin/api-keys')).body, /Never/, 'last use is shown');

    const id = /action="\/admin\/api-keys\/(\d+)\/revoke"/.exec(later.body)?.[1];
    const revoked = await owner.post(`/admin/api-keys/${id}/revoke`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal((await osdi.get('/api/v1/people')).status, 401);
    assert.match((await owner.get('/admin/api-keys')).body, /Revoked/);
  });

  it('refuses a key without a name or without any access, with the reason', async () => {
    const owner = suite.as.owner;
    await owner.get('/admin/api-keys');
    const noName = await owner.post('/admin/api-keys', { name: ' ', scope_people: 'read' });
    assert.equal(noName.statusCode, 422);
    assert.match(noName.body, /Give the key a name/);
    const noScope = await owner.post('/admin/api-keys', { name: 'Nothing', scope_people: 'none' });
    assert.equal(noScope.statusCode, 422);
    assert.match(noScope.body, /at least one resource/);
  });

  it('is for owners only', async () => {
    assert.equal((await suite.as.organiser.get('/admin/api-keys')).statusCode, 403);
  });
});
