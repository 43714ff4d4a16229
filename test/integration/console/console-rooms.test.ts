import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingRooms } from '../../fakes/announcement-rooms.ts';
import { ConsoleClient, startConsoleRig, type ConsoleRig } from './console-rig.ts';

/**
 * The console's « Salons » over real HTTP (issue 17.5, 17.2): room settings saved with the chat command's
 * checks and journaled; the Tchap announcement rooms listed and brought up to date from the membership list
 * through a channel that records what it is asked (the Matrix side is covered by
 * test/e2e/announcement-rooms-matrix.test.ts). Administrators only.
 */
describe('console « Salons »: room settings and announcement rooms (HTTP)', function () {
  this.timeout(60_000);
  let rig: ConsoleRig;
  let alice: ConsoleClient;
  let bruno: ConsoleClient;
  let listDir: string;
  const channel = new RecordingRooms();

  before(async () => {
    listDir = mkdtempSync(join(tmpdir(), 'passerelle-console-rooms-'));
    writeFileSync(join(listDir, 'salons.csv'), 'service;identifiant\nBureau de Roissy;@a:t.fr\nBureau de Roissy;@b:t.fr\n');
    rig = await startConsoleRig({ ANNOUNCE_ROOMS_FILE: join(listDir, 'salons.csv') }, { announcements: { channels: ['matrix'] } });
    rig.app.announcements.rooms.attach(channel);
    alice = new ConsoleClient(rig.base);
    bruno = new ConsoleClient(rig.base);
    assert.equal((await alice.signInWith('proconnect', 'pc-alice', rig.proconnect)).status, 303);
    assert.equal((await bruno.signInWith('proconnect', 'pc-bruno', rig.proconnect)).status, 303);
  });
  after(async () => {
    await rig?.close();
    rmSync(listDir, { recursive: true, force: true });
  });

  it('saves a room’s settings with the command’s checks, journaled; refuses bad input in French; curators kept out', async () => {
    assert.match((await alice.page('/console/rooms')).text, /Aucun salon n’a de paramètres propres/); // and its CSRF token
    await bruno.page('/console/overview');
    const saved = await alice.post('/console/rooms/settings', { roomKey: 'matrix:!brigade:t.fr', bases: ['legal', 'legal'], mention: 'oui', annonces: 'non', avis: '' });
    assert.equal(saved.status, 303);
    assert.deepEqual((await rig.app.state.getRoomSettings('matrix:!brigade:t.fr'))?.settings, { bases: ['legal'], announcements: false });
    const page = await alice.page('/console/rooms');
    assert.match(page.text, /<h3 id="salon-0-title">matrix:!brigade:t\.fr<\/h3>/);
    const unknownBase = await alice.post('/console/rooms/settings', { roomKey: 'matrix:!brigade:t.fr', bases: 'inconnue', mention: 'oui', annonces: 'oui', avis: '' });
    assert.equal(unknownBase.status, 400);
    assert.match(await unknownBase.text(), /base « inconnue » inconnue/);
    const tooLong = await alice.post('/console/rooms/settings', { roomKey: 'matrix:!brigade:t.fr', mention: 'oui', annonces: 'oui', avis: 'x'.repeat(1_001) });
    assert.equal(tooLong.status, 400);
    assert.deepEqual((await rig.app.state.getRoomSettings('matrix:!brigade:t.fr'))?.settings, { bases: ['legal'], announcements: false }, 'unchanged');
    assert.equal((await bruno.post('/console/rooms/settings', { roomKey: 'matrix:!brigade:t.fr', mention: 'non', annonces: 'oui', avis: '' })).status, 403);
    const journal = await alice.page('/console/audit?action=room-settings-update');
    assert.match(journal.text, /matrix:!brigade:t\.fr<\/td><td>bases : Code des douanes[^<]*; mention : oui ; annonces : non ; avis : par défaut/);
  });

  it('lists the announcement rooms and brings them up to date from the list, saying who was invited and removed', async () => {
    while (channel.rooms.size === 0) await new Promise((resolve) => setTimeout(resolve, 50)); // the sync at attach time
    const page = await alice.page('/console/rooms');
    assert.match(page.text, /Bureau de Roissy<\/th><td><code>annonces:bureau-de-roissy<\/code><\/td><td>2<\/td>/);
    writeFileSync(join(listDir, 'salons.csv'), 'Bureau de Roissy;@a:t.fr\nBureau de Roissy;@c:t.fr\n');
    const synced = await alice.post('/console/rooms/announcement-rooms/sync', {});
    assert.equal(synced.status, 200);
    assert.match(await synced.text(), /Annonces — Bureau de Roissy \(!bureau-de-roissy:t\.fr\) : existant ; 1 invité\(s\) : @c:t\.fr ; 1 retiré\(s\) : @b:t\.fr/);
    assert.deepEqual(channel.specs.at(-1)?.members, ['@a:t.fr', '@c:t.fr']);
    assert.match((await alice.page('/console/audit?action=announcement-rooms-sync')).text, /1 salon\(s\), 1 invité\(s\), 1 retiré\(s\), 0 en échec/);
    assert.equal((await bruno.post('/console/rooms/announcement-rooms/sync', {})).status, 403);
  });
});
