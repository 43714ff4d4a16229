import assert from 'node:assert/strict';
import { validateActivity } from '../../../adapters/teams/activity-validation.ts';
import { isLoopbackUrl, isTenantAllowed, allowedTenantsOf } from '../../../adapters/teams/authentication.ts';
import * as A from './activities.ts';

const SERVICE = 'https://smba.trafficmanager.net/emea/';

function error(body: unknown): string {
  const result = validateActivity(body);
  assert.equal(result.ok, false, JSON.stringify(body).slice(0, 80));
  return result.ok ? '' : result.error;
}

describe('teams / activity validation and trust rules', () => {
  it('accepts Teams activities', () => {
    for (const activity of [A.personalMessage(SERVICE, 'x'), A.channelMention(SERVICE, 'x'), A.personalInstall(SERVICE), A.feedbackInvoke(SERVICE, 'a', 'like'), A.teamInstall(SERVICE)]) {
      assert.equal(validateActivity(activity).ok, true);
    }
  });

  it('accepts known activity types Passerelle ignores, without requiring their fields', () => {
    assert.equal(validateActivity({ type: 'messageReaction' }).ok, true);
    assert.equal(validateActivity({ type: 'event', name: 'application/vnd.microsoft.meetingStart' }).ok, true);
  });

  it('refuses what is not an activity, unknown types and incomplete actionable activities, in French', () => {
    assert.match(error(null), /activité Bot Framework/);
    assert.match(error([1, 2]), /activité Bot Framework/);
    assert.match(error({ text: 'sans type' }), /champ « type » manquant/);
    assert.match(error({ type: 'teleport' }), /Type d’activité inconnu \(teleport\)/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), conversation: undefined }), /conversation\.id/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), serviceUrl: 'ftp://x' }), /serviceUrl/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), from: {} }), /from\.id/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), text: { html: '<p>' } }), /text/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), entities: [null] }), /entities/);
    assert.match(error({ ...A.feedbackInvoke(SERVICE, 'a', 'like'), name: 42 }), /name/);
  });

  it('allows the configured tenants, else the app’s tenant, else (anonymous) any', () => {
    assert.deepEqual(allowedTenantsOf({ allowedTenants: ['t1', 't2'], tenantId: 't0' } as never), ['t1', 't2']);
    assert.deepEqual(allowedTenantsOf({ allowedTenants: [], tenantId: 't0' } as never), ['t0']);
    assert.deepEqual(allowedTenantsOf({ allowedTenants: [] } as never), []);
    assert.equal(isTenantAllowed('t1', ['t1']), true);
    assert.equal(isTenantAllowed('t9', ['t1']), false);
    assert.equal(isTenantAllowed(undefined, ['t1']), false, 'no tenant: refused when a list applies');
    assert.equal(isTenantAllowed(undefined, []), true);
  });

  it('recognises loopback service URLs (anonymous mode only talks to this machine)', () => {
    assert.equal(isLoopbackUrl('http://127.0.0.1:3978/'), true);
    assert.equal(isLoopbackUrl('http://localhost:9000'), true);
    assert.equal(isLoopbackUrl('http://[::1]:9000/'), true);
    assert.equal(isLoopbackUrl('https://smba.trafficmanager.net/emea/'), false);
    assert.equal(isLoopbackUrl('http://127.0.0.1.attacker.example/'), false);
    assert.equal(isLoopbackUrl('pas une url'), false);
  });
});
