import assert from 'node:assert/strict';
import { parseRoomList, syncReportText } from '../../../bots/announcements/announcement-rooms.ts';
import { parseAudience } from '../../../bots/announcements/audience.ts';
import { AudienceResolver } from '../../../bots/announcements/audience-resolver.ts';
import type { AudienceDirectories } from '../../../bots/announcements/directories.ts';
import { preview } from '../../../bots/announcements/messages.ts';
import { httpRefusalOf, PasserelleError } from '../../../bots/errors.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import { readOnlyPowerLevels } from '../../../adapters/matrix/announcement-rooms.ts';

const refused = (code: string) => (error: unknown) => error instanceof PasserelleError && error.code === code;

describe('announcements / Tchap announcement rooms (issue 17.2)', () => {
  it('reads the membership list as YAML (mapping or list) and CSV, one entry per service, ids once', () => {
    const yaml = parseRoomList('Bureau de Roissy:\n  - "@a:t.fr"\n  - "@b:t.fr"\n  - "@a:t.fr"\nDirection de Lyon: ["@c:t.fr"]\n', 'salons.yaml');
    assert.deepEqual(yaml, [{ service: 'Bureau de Roissy', members: ['@a:t.fr', '@b:t.fr'] }, { service: 'Direction de Lyon', members: ['@c:t.fr'] }]);
    const list = parseRoomList('- service: Bureau de Roissy\n  membres: ["@a:t.fr"]\n', 'salons.yml');
    assert.deepEqual(list, [{ service: 'Bureau de Roissy', members: ['@a:t.fr'] }]);
    const csv = parseRoomList('service;identifiant\nBureau de Roissy;@a:t.fr\n# commentaire\nbureau de roissy;@b:t.fr\nDirection de Lyon,@c:t.fr\n', 'salons.csv');
    assert.deepEqual(csv, [{ service: 'Bureau de Roissy', members: ['@a:t.fr', '@b:t.fr'] }, { service: 'Direction de Lyon', members: ['@c:t.fr'] }]);
  });

  it('refuses a list it cannot read, saying where in French', () => {
    assert.throws(() => parseRoomList('Bureau:\n  - "jean.dupont"\n', 'salons.yaml'), (error: unknown) => refused('ANNOUNCE_ROOMS_LIST_INVALID')(error) && /« jean\.dupont » n’est pas un identifiant Tchap/.test((error as PasserelleError).userMessage));
    assert.throws(() => parseRoomList('Bureau;@a:t.fr\nsans-identifiant\n', 'salons.csv'), (error: unknown) => /ligne 2/.test((error as PasserelleError).userMessage));
    assert.throws(() => parseRoomList('a: [b', 'salons.yaml'), refused('ANNOUNCE_ROOMS_LIST_INVALID'));
    assert.throws(() => parseRoomList('Bureau: []\n', 'salons.yaml'), refused('ANNOUNCE_ROOMS_LIST_INVALID'));
  });

  it('parses annonces:<service> (case, accents and spaces ignored) and annonces:tous', () => {
    assert.deepEqual(parseAudience('annonces:Bureau-de-Roissy,direction-de-lyon'), [{ kind: 'announcement-rooms', services: ['bureau-de-roissy', 'direction-de-lyon'] }]);
    assert.deepEqual(parseAudience('salons-annonce:tous'), [{ kind: 'announcement-rooms', services: 'all' }]);
  });

  it('power levels leave members read-only and the bot alone in charge', () => {
    const levels = readOnlyPowerLevels('@passerelle:t.fr') as { users: Record<string, number>; users_default: number; events_default: number; state_default: number; invite: number; kick: number };
    assert.deepEqual(levels.users, { '@passerelle:t.fr': 100 });
    assert.ok(levels.events_default > levels.users_default);
    assert.ok(levels.state_default > levels.users_default && levels.invite > levels.users_default && levels.kick > levels.users_default);
  });

  it('the sync report says who was invited and who was removed', () => {
    const text = syncReportText({
      rooms: [{ roomId: '!r:t.fr', service: 'Bureau', created: false, invited: ['@new:t.fr'], removed: ['@old:t.fr'], failed: [{ userId: '@gone:t.fr', reason: 'a quitté le salon de lui-même : pas réinvité' }] }],
      failedRooms: [{ service: 'Lyon', reason: 'erreur' }],
    });
    assert.match(text, /1 salon\(s\) à jour, 1 en échec/);
    assert.match(text, /1 invité\(s\) : @new:t\.fr ; 1 retiré\(s\) : @old:t\.fr ; 1 en échec : @gone:t\.fr \(a quitté/);
  });

  describe('resolution', () => {
    let state: SqliteStateStore;
    const directories: AudienceDirectories = {};
    const rooms = [
      { roomId: '!roissy:t.fr', service: 'Bureau de Roissy', members: ['@a:t.fr', '@b:t.fr'] },
      { roomId: '!lyon:t.fr', service: 'Direction de Lyon', members: ['@c:t.fr', '@z:t.fr'] },
    ];
    const resolver = (roomsAbove?: number) => new AudienceResolver({ state, channels: new Set(['matrix']), directories, maxRecipients: 100, ...(roomsAbove === undefined ? {} : { roomsAbove }) });

    beforeEach(async () => {
      state = new SqliteStateStore(':memory:');
      for (const user of ['a', 'b', 'c', 'd']) {
        await state.saveReference({ key: `matrix:!dm-${user}:t.fr`, channel: 'matrix', reference: { roomId: `!dm-${user}:t.fr`, isDirect: true }, userId: `@${user}:t.fr`, isDirect: true, active: true, updatedAt: new Date().toISOString() });
      }
      directories.announcementRooms = { list: async () => rooms };
    });
    afterEach(() => state.close());

    it('annonces:<service> is one recipient per room, with its members counted', async () => {
      const recipients = await resolver().resolve(parseAudience('annonces:bureau-de-roissy'));
      assert.deepEqual(recipients.map((r) => [r.key, r.kind, r.members, r.address?.key, r.status]), [['matrix:room:!roissy:t.fr', 'room', 2, 'matrix:!roissy:t.fr', 'pending']]);
      assert.equal((await resolver().resolve(parseAudience('annonces:tous'))).length, 2);
      await assert.rejects(resolver().resolve(parseAudience('annonces:marseille')), (error: unknown) => refused('ANNOUNCE_ROOMS_UNKNOWN')(error) && /marseille.*bureau-de-roissy, direction-de-lyon/.test((error as PasserelleError).userMessage));
      delete directories.announcementRooms;
      await assert.rejects(resolver().resolve(parseAudience('annonces:tous')), (error: unknown) => refused('ANNOUNCE_ROOMS_UNAVAILABLE')(error) && httpRefusalOf(error)?.status === 422);
    });

    it('above the threshold, rooms replace the direct chats of their members; « tous » takes every room', async () => {
      const everyone = await resolver(3).resolveAudience(parseAudience('tous'));
      assert.deepEqual(everyone.recipients.map((r) => r.key), ['matrix:room:!lyon:t.fr', 'matrix:room:!roissy:t.fr', 'matrix:user:@d:t.fr']);
      assert.match(everyone.notes[0]!, /4 agents, plus que le seuil de 3 .*2 salon\(s\) d’annonce \(4 membres\).*1 agent\(s\) hors de ces salons/);
      // A named audience: only rooms whose members are all in it (Lyon has @z, who is not).
      const named = await resolver(2).resolveAudience(parseAudience('utilisateurs:@a:t.fr,@b:t.fr,@c:t.fr'));
      assert.deepEqual(named.recipients.map((r) => r.key), ['matrix:room:!roissy:t.fr', 'matrix:user:@c:t.fr']);
      // At or below the threshold: direct chats, nothing said.
      const small = await resolver(4).resolveAudience(parseAudience('tous'));
      assert.equal(small.recipients.every((r) => r.kind === 'user'), true);
      assert.deepEqual(small.notes, []);
    });

    it('above the threshold with no room matching, or rooms unavailable: direct chats, the admin told why', async () => {
      directories.announcementRooms = { list: async () => [] };
      const none = await resolver(1).resolveAudience(parseAudience('tous'));
      assert.equal(none.recipients.length, 4);
      assert.match(none.notes[0]!, /aucun salon d’annonce ne correspond/);
      directories.announcementRooms = { list: async () => Promise.reject(new Error('sync down')) };
      assert.match((await resolver(1).resolveAudience(parseAudience('tous'))).notes[0]!, /ne sont pas disponibles/);
    });

    it('the preview shows rooms, members and the note', () => {
      const text = preview({ id: 'ABCD2345', markdown: 'Texte', perChannel: [{ channel: 'matrix', reachable: 3, unreachable: 0, rooms: 2, members: 40 }], notes: ['Tchap : note'] });
      assert.match(text, /Tchap : 3 destinataire\(s\), dont 2 salon\(s\) d’annonce \(40 membres, un message par salon\)\n- Tchap : note/);
    });
  });
});
