import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { RecordingRooms } from '../../fakes/announcement-rooms.ts';

/**
 * The bot keeps the announcement rooms up to date by itself (issue 17.2): once the Tchap channel is attached,
 * then whenever the membership list changes (looked at every ANNOUNCE_ROOMS_CHECK_SECONDS).
 */
describe('announcement rooms follow the membership list by themselves', function () {
  this.timeout(30_000);
  let dir: string;
  let app: BotApplication;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-rooms-refresh-'));
    writeFileSync(join(dir, 'salons.yaml'), 'Bureau de Roissy: ["@a:t.fr"]\n');
    const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent', ANNOUNCE_ROOMS_FILE: join(dir, 'salons.yaml'), ANNOUNCE_ROOMS_CHECK_SECONDS: '1' } });
    app = await createBotApplication(config, silentLogger, { model: null, announcements: { channels: ['matrix'] } });
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('synchronises at attach time, then again only when the list changed', async () => {
    const channel = new RecordingRooms();
    app.announcements.rooms.attach(channel);
    await until(() => channel.specs.length === 1, 'the first synchronisation');
    assert.deepEqual(channel.specs[0], { service: 'Bureau de Roissy', key: 'bureau-de-roissy', name: 'Annonces — Bureau de Roissy', topic: channel.specs[0]!.topic, members: ['@a:t.fr'] });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(channel.specs.length, 1, 'an unchanged list is not synchronised again');
    writeFileSync(join(dir, 'salons.yaml'), 'Bureau de Roissy: ["@a:t.fr", "@b:t.fr"]\nDirection de Lyon: ["@c:t.fr"]\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dir, 'salons.yaml'), later, later);
    await until(() => channel.specs.length === 3, 'the synchronisation after the change');
    assert.deepEqual(channel.specs.slice(1).map((spec) => [spec.key, spec.members]), [['bureau-de-roissy', ['@a:t.fr', '@b:t.fr']], ['direction-de-lyon', ['@c:t.fr']]]);
  });
});
