import assert from 'node:assert/strict';
import { downloadAttachment, type DownloadPolicy } from '../../../adapters/teams/attachment-download.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import type { Attachment } from '../../../bots/message.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../../fakes/bot-connector.ts';

describe('teams / attachment download (contentUrl with the connector token)', () => {
  let connector: FakeBotConnector;
  let other: FakeBotConnector;
  const asked: string[] = [];
  const policy: DownloadPolicy = { anonymous: false, production: false, timeoutMs: 5_000, authorization: async (serviceUrl) => (asked.push(serviceUrl), 'Bearer bot-token') };

  before(async () => {
    connector = await startFakeBotConnector();
    other = await startFakeBotConnector();
  });
  after(async () => {
    await connector.close();
    await other.close();
  });

  const attachment = (url: string, kind: 'file' | 'content', serviceUrl = connector.serviceUrl): Attachment => ({ name: 'capture.png', contentType: 'image/png', locator: { kind, url, name: 'capture.png', serviceUrl } });

  it('sends the bot token to a contentUrl on the conversation service, and gets the bytes', async () => {
    const url = connector.serveFile('capture.png', { body: Buffer.from('PNGDATA'), token: 'bot-token' });
    const bytes = await downloadAttachment(attachment(url, 'content'), 1_000, policy);
    assert.equal(bytes.toString(), 'PNGDATA');
    assert.deepEqual(asked, [connector.serviceUrl]);
  });

  it('never sends the token to another host, nor for a pre-authenticated file downloadUrl', async () => {
    const elsewhere = other.serveFile('capture.png', { body: Buffer.from('X') });
    await downloadAttachment(attachment(elsewhere, 'content'), 1_000, policy);
    const file = connector.serveFile('doc.docx', { body: Buffer.from('DOC') });
    await downloadAttachment(attachment(file, 'file'), 1_000, policy);
    assert.equal(other.downloads.at(-1)?.headers.authorization, undefined);
    assert.equal(connector.downloads.at(-1)?.headers.authorization, undefined);
  });

  it('a 401 or a refused URL is ATTACHMENT_UNREADABLE; https outside loopback is refused in anonymous mode', async () => {
    const url = connector.serveFile('capture.png', { body: Buffer.from('X'), token: 'another' });
    await assert.rejects(downloadAttachment(attachment(url, 'content'), 1_000, policy), (error: unknown) => error instanceof PasserelleError && error.code === 'ATTACHMENT_UNREADABLE' && /401/.test(String(error.details.reason)));
    await assert.rejects(downloadAttachment(attachment('https://example.com/x', 'file'), 1_000, { ...policy, anonymous: true }), (error: unknown) => error instanceof PasserelleError && error.code === 'ATTACHMENT_UNREADABLE');
  });
});
