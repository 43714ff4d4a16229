import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApiError, AdminClient } from '../../../adapters/admin-http/admin-client.ts';
import { recordOutboundRequests } from '../../fakes/outbound-requests.ts';

/** `passerelle announce` sends the admin token and the announcement: a redirect must not carry them elsewhere. */
describe('announcements / AdminClient never follows a redirect', () => {
  let server: Server;
  let location = '';
  before(async () => {
    server = createServer((request, response) => {
      request.resume();
      response.writeHead(307, { location }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a 307 to another host is reported in French, and nothing is sent there', async () => {
    const recorder = recordOutboundRequests();
    try {
      for (const target of ['http://10.0.0.1/admin/announcements', 'http://169.254.169.254/latest/meta-data/']) {
        location = target;
        const client = new AdminClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'jeton-administration-de-test-0123456789', 5_000);
        await assert.rejects(client.create({ to: 'tous', markdown: 'Confidentiel' }), (error) => error instanceof AdminApiError && error.code === 'redirect' && /redirection \(307\)/.test(error.userMessage));
        assert.deepEqual(recorder.to(target), []);
      }
    } finally {
      recorder.stop();
    }
  });
});
