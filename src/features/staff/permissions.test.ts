import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test/helpers/databases.js';
import { appWithStaff, loginAsNew } from '../../../test/helpers/staff.js';

describeEachDatabase('staff permissions on top of roles', (ctx) => {
  const suite = appWithStaff(ctx, ['owner', 'organiser']);

  it('lets an owner grant and revoke the caseworker permission, audited', async () => {
    const { client: viewer, user } = await loginAsNew(suite.app, 'viewer');
    assert.equal((await viewer.get('/admin/cases')).statusCode, 403);
    assert.doesNotMatch((await viewer.get('/admin')).body, /Conduct cases/);

    await suite.as.owner.get('/admin/users');
    const grant = await suite.as.owner.post(`/admin/users/${user.id}/permissions`, {
      permission: 'caseworker',
      granted: 'yes',
    });
    assert.equal(grant.statusCode, 303);
    assert.equal((await viewer.get('/admin/cases')).statusCode, 200);
    assert.match((await viewer.get('/admin')).body, /Conduct cases/);
    assert.match((await suite.as.owner.get('/admin/users')).body, /Revoke caseworker/);

    await suite.as.owner.post(`/admin/users/${user.id}/permissions`, {
      permission: 'caseworker',
      granted: 'no',
    });
    assert.equal((await viewer.get('/admin/cases')).statusCode, 403);
    const actions = (await suite.app.services.audit.recent(10)).map((a) => a.action);
    assert.ok(
      actions.includes('staff.permission-grant') && actions.includes('staff.permission-revoke'),
    );
  });

  it('refuses organisers and unknown permissions', async () => {
    const { user } = await loginAsNew(suite.app, 'viewer');
    await suite.as.organiser.get('/admin');
    const byOrganiser = await suite.as.organiser.post(`/admin/users/${user.id}/permissions`, {
      permission: 'caseworker',
      granted: 'yes',
    });
    assert.equal(byOrganiser.statusCode, 403);
    await suite.as.owner.get('/admin/users');
    const unknown = await suite.as.owner.post(`/admin/users/${user.id}/permissions`, {
      permission: 'superuser',
      granted: 'yes',
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /no such permission/);
  });
});
