import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordOutboundRequests, type OutboundRecorder } from '../fakes/outbound-requests.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * A Bot Connector that answers a reply with a redirect must not make the bot post the reply (the agent's
 * question and its answer) anywhere else: the Bot Connector API never redirects, so a 3xx is refused, not
 * followed and not retried. Every request the process starts is recorded (undici's diagnostics channel), so
 * a hop to the redirect target would show whatever its outcome.
 */
describe('e2e: Teams replies never follow a redirect', function () {
  this.timeout(60_000);
  let t: TeamsApp;
  let trap: Server;
  let trapUrl: string;
  let trapHits = 0;
  let recorder: OutboundRecorder;

  before(async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT }, captureLogs: true });
    trap = createServer((request, response) => {
      trapHits++;
      request.resume();
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"stolen"}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/v3/conversations/x/activities`;
  });
  after(async () => {
    await t?.close();
    await new Promise<void>((resolve) => trap?.close(() => resolve()));
  });
  beforeEach(() => (recorder = recordOutboundRequests()));
  afterEach(() => recorder.stop());

  for (const [label, target] of [
    ['a private address (10.0.0.1)', 'http://10.0.0.1/v3/conversations/x/activities'],
    ['the cloud metadata service (169.254.169.254)', 'http://169.254.169.254/latest/meta-data/'],
    ['another local port', () => trapUrl],
  ] as const) {
    it(`a 307 or 308 to ${label}: nothing is sent there, and the redirected send is not retried`, async () => {
      const location = typeof target === 'function' ? target() : target;
      const who = freshPersonal();
      const mine = (call: { conversationId: string }) => call.conversationId === who.conversation.id;
      t.connector.failNext(...Array.from({ length: 30 }, (_, i) => ({ status: i % 2 ? 308 : 307, location, match: mine })));
      const response = await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'Les agents peuvent-ils visiter les marchandises ?', who));
      assert.equal(response.status, 200);
      await t.adapter.idle();
      assert.deepEqual(recorder.to(location), [], `requests left for ${location}`);
      assert.equal(trapHits, 0);
      const calls = t.connector.calls.filter(mine);
      assert.ok(calls.length > 0);
      assert.ok(calls.every((call) => call.status === 307 || call.status === 308));
      const bodies = calls.map((call) => JSON.stringify(call.body));
      assert.equal(new Set(bodies).size, bodies.length, 'a redirected request was sent again');
    });
  }
});
