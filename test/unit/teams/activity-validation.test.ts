import assert from 'node:assert/strict';
import { depthExceeds, validateActivity } from '../../../adapters/teams/activity-validation.ts';
import { activitiesPath, ConnectorError, ConnectorHttp } from '../../../adapters/teams/connector-http.ts';
import { isTransient } from '../../../adapters/teams/retry-policy.ts';
import { isLoopbackUrl, isTenantAllowed, allowedTenantsOf } from '../../../adapters/teams/authentication.ts';
import * as A from './activities.ts';

const SERVICE = 'https://smba.trafficmanager.net/emea/';

function error(body: unknown): string {
  const result = validateActivity(body);
  assert.equal(result.ok, false, String((body as { type?: unknown } | null)?.type));
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

  it('refuses deep nesting anywhere, identity fields that are not strings and dot-segment conversation ids', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), channelData: deep }), /imbrication trop profonde/);
    assert.match(error({ type: 'messageReaction', serviceUrl: deep }), /imbrication trop profonde/);
    assert.equal(depthExceeds({ a: { b: [{ c: 1 }] } }, 4), false);
    assert.equal(depthExceeds({ a: { b: [{ c: {} }] } }, 4), true);
    assert.equal(validateActivity({ ...A.feedbackInvoke(SERVICE, 'a', 'like') }).ok, true, 'real invokes are far from the limit');
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), from: { id: '29:x', aadObjectId: {} } }), /from\.aadObjectId \(chaîne\)/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), from: { id: '29:x', aadObjectId: true } }), /from\.aadObjectId/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), from: 'moi' }), /from \(objet\)/);
    assert.match(error({ type: 'messageReaction', conversation: { id: 42 } }), /conversation\.id \(chaîne\)/);
    assert.match(error({ ...A.personalMessage(SERVICE, 'x'), conversation: { id: 'a', isGroup: 'oui' } }), /conversation\.isGroup/);
    for (const id of ['.', '..']) assert.match(error({ ...A.personalMessage(SERVICE, 'x'), conversation: { id } }), /conversation\.id/);
    assert.equal(activitiesPath('a/../b', '1'), 'v3/conversations/a%2F..%2Fb/activities/1');
    for (const [conversation, activity] of [['..', undefined], ['a', '.'], ['', undefined]] as const) {
      assert.throws(() => activitiesPath(conversation, activity), (thrown) => thrown instanceof ConnectorError && thrown.status === 400 && thrown.code === 'InvalidId');
    }
  });

  it('an activity that cannot be serialised is a final error, never a retried network failure', async () => {
    const http = new ConnectorHttp({ credentials: { signRequest: async () => undefined } }, 'http://127.0.0.1:9/', 1_000);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const body of [{ conversation: deep }, cyclic]) {
      await assert.rejects(http.request('POST', 'v3/conversations/a/activities', body), (thrown) => thrown instanceof ConnectorError && thrown.status === 400 && thrown.code === 'UnserialisableActivity' && !isTransient(thrown));
    }
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
