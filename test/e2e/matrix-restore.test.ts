import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createLogger } from '../../bots/logger.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/**
 * The bot's Tchap device restored from the recovery key after its data directory (`matrix/`) is lost: real
 * bot, real agent client, fake homeserver (secret storage in account data, cross-signing uploads, key
 * backup). Without the key a new device says so and changes nothing; with it (`passerelle matrix restore`,
 * or MATRIX_RECOVERY_KEY_FILE at start) the new device is cross-signed — as the agent's client sees it —
 * and reads the encrypted history again; a wrong key is refused before anything is written.
 */
describe('matrix e2e: restoring the bot’s device from its recovery key', function () {
  this.timeout(90_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let agent: MatrixUser;
  let roomId: string;
  let vault: string;
  let wrongKeyFile: string;
  let masterKey: string;
  const logs: string[] = [];
  const OLD_MESSAGE = 'Question ancienne : les agents des douanes peuvent-ils procéder à la visite des marchandises ?';

  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');
  const matrixDir = (): string => join(bot.config.dataDir, 'matrix');
  const historyTexts = async (): Promise<string[]> => (await bot.adapter.history!({ key: `matrix:${roomId}`, reference: { roomId, isDirect: true } }, 20)).map((entry) => entry.text);
  const signedByOwner = async (deviceId: string): Promise<boolean> => {
    const crypto = agent.client.getCrypto()!;
    await crypto.getUserDeviceInfo([kit.BOT_USER_ID], true);
    return (await crypto.getDeviceVerificationStatus(kit.BOT_USER_ID, deviceId))?.signedByOwner ?? false;
  };
  const waitUntil = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const cli = async (args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const context = kit.createCliContext({ out: (text) => void (out += text), err: (text) => void (err += text), env: { ...process.env, ...cliEnv() } });
    try {
      return { code: await kit.runMatrixCommand(args, context, Readable.from([stdin])), out, err };
    } catch (error) {
      return { code: 1, out, err: `${err}${(error as { userMessage?: string }).userMessage ?? String(error)}` };
    } finally {
      await context.close();
    }
  };
  const cliEnv = (): Record<string, string> => ({ PASSERELLE_DATA_DIR: bot.config.dataDir, PASSERELLE_LOG_LEVEL: 'silent', MATRIX_ENABLED: 'true', MATRIX_HOMESERVER_URL: fake.url, MATRIX_USER_ID: kit.BOT_USER_ID, MATRIX_PASSWORD: kit.BOT_PASSWORD });

  before(async function () {
    this.timeout(180_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake, { logger: createLogger('info', (line) => void logs.push(line)) });
    await bot.adapter.whenBootstrapped();
    agent = await kit.MatrixUser.start(fake, '@agent:test.local');
    roomId = await agent.createDirectChat(kit.BOT_USER_ID);
    const questionId = await agent.send(roomId, OLD_MESSAGE);
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, isAnswer, 30_000);
    const sessionId = String((fake.state.room(roomId).timeline.find((item) => item.event.event_id === questionId)!.event.content as Record<string, unknown>).session_id);
    // The bot's crypto uploads the room keys it received to the key backup by itself, a few seconds later.
    await waitUntil(() => fake.state.account(kit.BOT_USER_ID).backups.at(-1)?.keys.get(roomId)?.has(sessionId) === true, 'the room key in the backup');
    vault = mkdtempSync(join(tmpdir(), 'passerelle-vault-'));
    writeFileSync(join(vault, 'recovery-key.json'), readFileSync(join(matrixDir(), 'recovery-key.json')), { mode: 0o600 });
    wrongKeyFile = join(vault, 'wrong-key.txt');
    writeFileSync(wrongKeyFile, `${kit.encodeRecoveryKey(new Uint8Array(32).fill(7))}\n`, { mode: 0o600 });
    masterKey = JSON.stringify(fake.state.account(kit.BOT_USER_ID).crossSigning.master);
    assert.ok((await historyTexts()).includes(OLD_MESSAGE), 'the first device reads its history');
  });

  after(async () => {
    agent?.stop();
    await bot?.close();
    await fake?.close();
    if (vault) rmSync(vault, { recursive: true, force: true });
  });

  it('control: without the recovery key, a new device says so in French, changes nothing and cannot read the history', async () => {
    const first = bot.adapter.deviceId!;
    await bot.adapter.stop();
    rmSync(matrixDir(), { recursive: true });
    logs.length = 0;
    await bot.restart();
    await bot.adapter.whenBootstrapped();
    assert.notEqual(bot.adapter.deviceId, first);
    const error = logs.map((line) => JSON.parse(line) as { level: string; message: string }).find((entry) => entry.level === 'error' && entry.message.includes('passerelle matrix restore'));
    assert.ok(error, 'an error-level French message tells the operator what to do');
    assert.match(error.message, /clé de récupération absente/);
    assert.ok(!logs.some((line) => line.includes('getSecretStorageKey callback returned falsey')), 'no bare SDK error');
    assert.equal(JSON.stringify(fake.state.account(kit.BOT_USER_ID).crossSigning.master), masterKey, 'the account’s cross-signing identity is kept');
    assert.equal(fake.state.account(kit.BOT_USER_ID).backups.length, 1, 'no new backup');
    assert.equal(await signedByOwner(bot.adapter.deviceId!), false);
    assert.ok(!(await historyTexts()).includes(OLD_MESSAGE), 'the old message cannot be decrypted');
  });

  it('passerelle matrix restore refuses a malformed or wrong key and writes no recovery key', async () => {
    await bot.adapter.stop();
    rmSync(matrixDir(), { recursive: true });
    const malformed = await cli(['restore', '--recovery-key', '-'], 'EsTc pas une clé\n');
    assert.equal(malformed.code, 1);
    assert.match(malformed.err, /mal formée/);
    const wrong = await cli(['restore', '--recovery-key', wrongKeyFile]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /ne déverrouille pas le stockage sécurisé du compte @passerelle:test\.local/);
    assert.equal(existsSync(join(matrixDir(), 'recovery-key.json')), false, 'nothing written');
    assert.equal(JSON.stringify(fake.state.account(kit.BOT_USER_ID).crossSigning.master), masterKey);
  });

  it('passerelle matrix restore: the new device is cross-signed (seen by the agent’s client) and the old message decrypts', async () => {
    const restored = await cli(['restore', '--recovery-key', join(vault, 'recovery-key.json')]);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /restauré/);
    assert.match(restored.out, /appareil signé par la clé du compte/);
    assert.match(restored.out, /[1-9]\d* clé\(s\) de salon importée\(s\)/);
    const deviceId = /Appareil (\S+) du compte/.exec(restored.out)![1]!;
    await bot.restart();
    assert.equal(bot.adapter.deviceId, deviceId, 'the bot takes up the restored device');
    await bot.adapter.whenBootstrapped();
    await waitUntil(() => signedByOwner(deviceId), 'the agent’s client to see the device signed by the bot’s self-signing key');
    assert.equal(JSON.stringify(fake.state.account(kit.BOT_USER_ID).crossSigning.master), masterKey, 'same identity, not a new one');
    assert.equal(fake.state.account(kit.BOT_USER_ID).backups.length, 1, 'the existing backup is used');
    assert.ok((await historyTexts()).includes(OLD_MESSAGE), 'the message sent to the lost device decrypts');
    const since = fake.state.pos;
    await agent.send(roomId, 'Après la restauration : les agents des douanes peuvent-ils visiter les moyens de transport ?');
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => isAnswer(event) && fake.state.room(roomId).timeline.find((item) => item.event.event_id === event.eventId)!.pos > since, 30_000);
  });

  it('startup without a data directory but with MATRIX_RECOVERY_KEY_FILE restores by itself; a wrong key stops the start', async () => {
    await bot.adapter.stop();
    rmSync(matrixDir(), { recursive: true });
    const context = (file: string) => ({ config: { ...bot.config, matrix: { ...bot.config.matrix, recoveryKeyFile: file } }, logger: createLogger('silent'), limiter: bot.app.limiters.matrix });
    const refused = await kit.createMatrixAdapter(context(wrongKeyFile), kit.FAST_ADAPTER);
    await assert.rejects(refused.start(bot.app.bot.inbound), (error: { code?: string; userMessage?: string }) => error.code === 'MATRIX_RECOVERY_KEY_WRONG' && /ne déverrouille pas/.test(error.userMessage ?? ''));
    assert.equal(existsSync(join(matrixDir(), 'recovery-key.json')), false);

    rmSync(matrixDir(), { recursive: true });
    const adapter = await kit.createMatrixAdapter(context(join(vault, 'recovery-key.json')), kit.FAST_ADAPTER);
    bot.app.bot.register(adapter);
    bot.adapter = adapter;
    await bot.app.bot.start();
    await adapter.ready;
    await adapter.whenBootstrapped();
    await waitUntil(() => signedByOwner(adapter.deviceId!), 'the new device signed');
    assert.ok((await historyTexts()).includes(OLD_MESSAGE), 'the old message decrypts');
    assert.equal(JSON.parse(readFileSync(join(matrixDir(), 'recovery-key.json'), 'utf8')).recoveryKey, JSON.parse(readFileSync(join(vault, 'recovery-key.json'), 'utf8')).recoveryKey, 'the recovery key kept for the next starts');
  });
});
