import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_DOWNLOAD_INFO } from '../../adapters/teams/activity-mapper.ts';
import type { ConnectorCall } from '../fakes/bot-connector.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Files sent to the bot in a personal chat (file.download.info attachments): « résume » with a Word file is
 * downloaded from the attachment's pre-authenticated downloadUrl (served by the fake Teams service), the
 * summary job is accepted and its result comes back through the Bot Connector (in-process queue). Over the
 * size limit: FILE_TOO_LARGE, without reading the rest of the file. In anonymous local mode a non-loopback
 * download URL is refused without any request.
 */

const SAMPLE = readFileSync(join(import.meta.dirname, '../fixtures/files/sample.docx'));
const MAX_BYTES = 256 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function fileAttachment(name: string, downloadUrl: string) {
  return {
    contentType: FILE_DOWNLOAD_INFO,
    contentUrl: 'https://contoso.sharepoint.com/personal/camille/Documents/Applications/Passerelle/' + encodeURIComponent(name),
    name,
    content: { downloadUrl, uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C9D', fileType: name.split('.').pop() },
  };
}

describe('e2e: Teams file attachments (anonymous local mode, in-process queue)', function () {
  this.timeout(60_000);
  let t: TeamsApp;

  before(async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT }, overrides: { queue: { maxDocumentBytes: MAX_BYTES } }, startJobs: true });
  });

  after(async () => {
    await t?.close();
  });

  const messagesTo = (conversationId: string) => t.connector.calls.filter((call) => call.conversationId === conversationId && call.body.type === 'message' && call.status < 300);
  const texts = (calls: ConnectorCall[]) => calls.map((call) => String(call.body.text ?? ''));

  it('downloads a Word file sent with « résume », accepts the job and posts the summary', async () => {
    const who = freshPersonal();
    const url = t.connector.serveFile('note-brigade.docx', { body: SAMPLE });
    const response = await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [fileAttachment('note-brigade.docx', url)] }));
    assert.equal(response.status, 200);
    await t.adapter.idle();
    const download = t.connector.downloads.find((entry) => url.endsWith(entry.path));
    assert.ok(download, 'the file was fetched');
    assert.equal(download.completed, true);
    assert.equal(download.headers.authorization, undefined, 'a pre-authenticated downloadUrl is fetched without a token');
    const acknowledgement = messagesTo(who.conversation.id).find((call) => String(call.body.text).includes('Demande reçue'));
    assert.ok(acknowledgement, `acknowledged; got ${JSON.stringify(texts(messagesTo(who.conversation.id)))}`);
    assert.match(String(acknowledgement.body.text), /note-brigade\.docx/);
    await t.connector.waitFor(() => messagesTo(who.conversation.id).some((call) => call.method === 'POST' && /Résumé/.test(String(call.body.text)) && !/Demande reçue|enregistrée/.test(String(call.body.text))), 30_000);
    const all = texts(messagesTo(who.conversation.id));
    assert.ok(!all.some((text) => /trop volumineux|n’ai pas pu récupérer/.test(text)), JSON.stringify(all));
    assert.deepEqual(t.connector.violations, []);
  });

  it('downloads an attachment from its contentUrl on the conversation service (anonymous: no token)', async () => {
    const who = freshPersonal();
    const url = t.connector.serveFile('inline.docx', { body: SAMPLE });
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [{ contentType: DOCX, contentUrl: url, name: 'inline.docx' }] }));
    await t.adapter.idle();
    const download = t.connector.downloads.find((entry) => url.endsWith(entry.path));
    assert.ok(download?.completed, 'fetched');
    assert.equal(download.headers.authorization, undefined);
    assert.ok(texts(messagesTo(who.conversation.id)).some((text) => text.includes('Demande reçue') && text.includes('inline.docx')));
  });

  it('refuses a file over the limit (Content-Length) with FILE_TOO_LARGE, without downloading it', async () => {
    const who = freshPersonal();
    const big = Buffer.alloc(8 * 1024 * 1024, 0x41);
    const url = t.connector.serveFile('gros.docx', { body: big });
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [fileAttachment('gros.docx', url)] }));
    await t.adapter.idle();
    const all = texts(messagesTo(who.conversation.id));
    assert.ok(all.some((text) => text.includes('Le fichier gros.docx est trop volumineux') && text.includes(`(8 Mo, maximum ${MAX_BYTES / 1024} Ko)`)), JSON.stringify(all));
    assert.ok(!all.some((text) => text.includes('Demande reçue')), 'no job');
    const download = t.connector.downloads.find((entry) => url.endsWith(entry.path));
    assert.ok(download);
    await waitUntil(() => download.bytesSent < big.length && !download.completed);
    assert.ok(download.bytesSent < big.length / 2, `only ${download.bytesSent} of ${big.length} bytes sent`);
  });

  it('stops reading past the limit when the size is not announced (chunked)', async () => {
    const who = freshPersonal();
    const big = Buffer.alloc(8 * 1024 * 1024, 0x42);
    const url = t.connector.serveFile('flux.docx', { body: big, omitContentLength: true });
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [fileAttachment('flux.docx', url)] }));
    await t.adapter.idle();
    const all = texts(messagesTo(who.conversation.id));
    assert.ok(all.some((text) => text.includes('Le fichier flux.docx est trop volumineux')), JSON.stringify(all));
    const download = t.connector.downloads.find((entry) => url.endsWith(entry.path));
    assert.ok(download);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(download.completed, false, 'the download was abandoned');
    assert.ok(download.bytesSent < big.length / 2, `only ${download.bytesSent} of ${big.length} bytes sent`);
  });

  it('refuses a non-loopback download URL in anonymous local mode, without fetching it', async () => {
    const who = freshPersonal();
    const before = t.connector.downloads.length;
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [fileAttachment('externe.docx', 'https://example.com/download/externe.docx')] }));
    await t.adapter.idle();
    const all = texts(messagesTo(who.conversation.id));
    assert.ok(all.some((text) => text.includes('Je n’ai pas pu récupérer la pièce jointe externe.docx') && text.includes('n’est pas autorisée')), JSON.stringify(all));
    assert.equal(t.connector.downloads.length, before);
    assert.ok(!all.some((text) => text.includes('Demande reçue')), 'no job');
  });

  it('reports an unreadable attachment when the download URL answers 404', async () => {
    const who = freshPersonal();
    const url = t.connector.serveFile('expire.docx', { body: SAMPLE, status: 404 });
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'résume', { ...who, attachments: [fileAttachment('expire.docx', url)] }));
    await t.adapter.idle();
    const all = texts(messagesTo(who.conversation.id));
    assert.ok(all.some((text) => text.includes('Je n’ai pas pu récupérer la pièce jointe expire.docx : le serveur a répondu 404')), JSON.stringify(all));
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
