import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptAttachment } from '../fakes/homeserver/encrypt-attachment.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/**
 * Document and conversation summaries over Tchap: the user's client encrypts the file (AES-CTR, as Matrix
 * clients do), uploads it and sends it in an encrypted direct chat with the caption « résume »; the bot
 * downloads it through authenticated media, checks and decrypts it, and the in-process queue publishes the
 * summary in the room. « résume la conversation » summarises the room's recent (decrypted) messages.
 */
describe('matrix e2e: attachments and conversation summaries', function () {
  this.timeout(30_000);
  const MAX = 20_000;
  const PDF = readFileSync(new URL('../fixtures/files/sample.pdf', import.meta.url));
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let user: MatrixUser;
  let roomId: string;
  let configDir: string;

  const body = (event: SeenEvent): string => String(event.latest.body ?? '');
  const isSummary = (event: SeenEvent): boolean => /Résumé (court|détaillé) —/.test(body(event));
  const botEventsSince = (since: number): SeenEvent[] =>
    user.eventsFrom(roomId, kit.BOT_USER_ID).filter((event) => (fake.state.room(roomId).timeline.find((item) => item.event.event_id === event.eventId)?.pos ?? 0) > since);
  const waitForBot = (since: number, matches: (event: SeenEvent) => boolean, timeoutMs = 20_000): Promise<SeenEvent> =>
    user.waitFor(() => botEventsSince(since).some(matches), timeoutMs, 'bot message').then(
      () => botEventsSince(since).find(matches)!,
      (error: Error) => {
        throw new Error(`${error.message}; the bot said: ${JSON.stringify(botEventsSince(since).map(body))}`);
      },
    );

  /** Encrypts, uploads and sends a file with a caption; `tamper` alters the ciphertext after hashing. */
  const sendEncryptedFile = async (plaintext: Buffer, filename: string, caption: string, options: { tamper?: boolean; announceSize?: boolean } = {}): Promise<string> => {
    const { ciphertext, info } = encryptAttachment(plaintext);
    if (options.tamper) ciphertext[100] = ciphertext[100]! ^ 0x01;
    const url = await user.upload(ciphertext);
    return user.sendFile(roomId, {
      body: caption,
      filename,
      info: { mimetype: 'application/pdf', ...(options.announceSize === false ? {} : { size: plaintext.length }) },
      file: { ...info, url },
    });
  };

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    configDir = mkdtempSync(join(tmpdir(), 'passerelle-attachments-'));
    const configFile = join(configDir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ queue: { maxDocumentBytes: MAX } }));
    bot = await kit.startMatrixBot(fake, { env: { PASSERELLE_CONFIG: configFile } });
    bot.app.startJobs(); // deliveries and, the queue being in-process, the work itself
    user = await kit.MatrixUser.start(fake, '@agent:test.local');
    roomId = await user.createDirectChat(kit.BOT_USER_ID);
  });

  after(async () => {
    user?.stop();
    await bot?.close();
    await fake?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('a file sent as Tchap web sends it (no caption) is acknowledged; « résume ce document » in reply to it, or just after, summarises it', async () => {
    // Element: body and filename are the file's name; no caption.
    const sendBareFile = async (bytes: Buffer, filename: string, mimetype: string): Promise<string> => {
      const { ciphertext, info } = encryptAttachment(bytes);
      const url = await user.upload(ciphertext);
      return user.sendFile(roomId, { body: filename, filename, info: { mimetype, size: bytes.length }, file: { ...info, url } });
    };
    const DOCX = readFileSync(new URL('../fixtures/files/sample.docx', import.meta.url));
    const MD = readFileSync(new URL('../fixtures/files/sample.md', import.meta.url));
    let since = fake.state.pos;
    const fileId = await sendBareFile(DOCX, 'note-de-service.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const ack = await waitForBot(since, (event) => /J’ai bien reçu « note-de-service\.docx »/.test(body(event)));
    assert.match(body(ack), /résume ce document/);
    assert.doesNotMatch(body(ack), /vide/);

    since = fake.state.pos;
    await user.send(roomId, 'résume ce document', { 'm.relates_to': { 'm.in_reply_to': { event_id: fileId } } });
    await waitForBot(since, (event) => /« note-de-service\.docx »/.test(body(event)), 10_000);
    await waitForBot(since, isSummary);

    since = fake.state.pos;
    await sendBareFile(MD, 'circulaire.md', 'text/markdown');
    await waitForBot(since, (event) => /J’ai bien reçu « circulaire\.md »/.test(body(event)));
    since = fake.state.pos;
    await user.send(roomId, 'résume ce document');
    await waitForBot(since, (event) => /« circulaire\.md »/.test(body(event)), 10_000);
    await waitForBot(since, isSummary);
  });

  it('downloads, checks and decrypts an encrypted PDF sent with « résume », and publishes its summary', async () => {
    const since = fake.state.pos;
    const downloads = fake.media.downloads.length;
    const file = await sendEncryptedFile(PDF, 'sample.pdf', 'résume');
    const summary = await waitForBot(since, isSummary);
    assert.ok(summary.encrypted, 'the summary travels encrypted');
    assert.deepEqual((summary.content['m.relates_to'] as Record<string, unknown> | undefined)?.['m.in_reply_to'], { event_id: file }, 'in the direct chat, a reply to the file');
    assert.deepEqual(fake.media.downloads.slice(downloads).map((entry) => entry.split(' ')[0]), ['v1'], 'one download, through authenticated media');
    const ack = botEventsSince(since).find((event) => /Demande reçue|Tâche res-/.test(String(event.content.body)));
    assert.ok(ack, 'the request was acknowledged');
    assert.match(String(ack.content.body), /sample\.pdf/);
    assert.deepEqual(readdirSafe(join(bot.config.dataDir, 'uploads')), [], 'no copy of the document is kept');
  });

  it('refuses, in French, a file whose hash does not match its content', async () => {
    const since = fake.state.pos;
    await sendEncryptedFile(PDF, 'altere.pdf', 'résume', { tamper: true });
    const refusal = await waitForBot(since, (event) => body(event).includes('altere.pdf'));
    assert.equal(body(refusal).trim().replace(/^⚠️\s*/, ''), 'Je n’ai pas pu récupérer la pièce jointe altere.pdf : son empreinte ne correspond pas (fichier altéré ou incomplet).');
    assert.ok(!botEventsSince(since).some(isSummary));
  });

  it('refuses a file above the limit while downloading it when its size was not announced', async () => {
    const since = fake.state.pos;
    await sendEncryptedFile(randomBytes(MAX + 5_000), 'gros.pdf', 'résume', { announceSize: false });
    const refusal = await waitForBot(since, (event) => body(event).includes('gros.pdf'));
    assert.match(body(refusal), /Le fichier gros\.pdf est trop volumineux \(24 Ko, maximum 20 Ko\)\./);
  });

  it('refuses a file announced above the limit without downloading it', async () => {
    const since = fake.state.pos;
    const downloads = fake.media.downloads.length;
    await sendEncryptedFile(randomBytes(MAX + 1), 'annonce.pdf', 'résume');
    const refusal = await waitForBot(since, (event) => body(event).includes('annonce.pdf'));
    assert.match(body(refusal), /trop volumineux/);
    assert.equal(fake.media.downloads.length, downloads);
  });

  it('summarises the conversation’s recent messages on « résume la conversation »', async () => {
    await user.send(roomId, 'Le contrôle des bagages du vol de Tunis commence à quatorze heures au terminal deux.');
    await user.send(roomId, 'Les procès-verbaux de constat pour les saisies de tabac de la matinée sont prêts pour signature.');
    await user.send(roomId, 'La brigade de surveillance renforcera la visite des moyens de transport ce soir au port.');
    // Wait for the bot to have handled them (it answers each question), so the request comes last.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const since = fake.state.pos;
    await user.send(roomId, 'résume la conversation');
    const summary = await waitForBot(since, isSummary, 25_000);
    assert.ok(summary.encrypted);
    assert.match(body(summary), /bagages|tabac|brigade/, `the summary quotes the decrypted messages: ${body(summary)}`);
    assert.doesNotMatch(body(summary), /Demande reçue|Tâche res-/, 'the bot’s own progress messages are not summarised');
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
