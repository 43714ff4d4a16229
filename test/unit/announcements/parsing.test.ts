import assert from 'node:assert/strict';
import { parseAnnounceCommand } from '../../../bots/commands/announce-commands.ts';
import { checkMarkdown, checkSchedule } from '../../../bots/announcements/announcement-input.ts';
import { parseAudience } from '../../../bots/announcements/audience.ts';
import { httpRefusalOf, PasserelleError } from '../../../bots/errors.ts';

const refused = (code: string) => (error: unknown) => error instanceof PasserelleError && httpRefusalOf(error)?.code === code;

describe('announcements / audience syntax', () => {
  it('reads every kind of term, keywords without case or accents, ids as typed', () => {
    assert.deepEqual(parseAudience('tous'), [{ kind: 'everyone' }]);
    assert.deepEqual(parseAudience('Utilisateurs:@Alice:agent.tchap.gouv.fr,6f1e-AB,6f1e-AB'), [{ kind: 'users', ids: ['@Alice:agent.tchap.gouv.fr', '6f1e-AB'] }]);
    assert.deepEqual(parseAudience('salons:!abc:tchap.gouv.fr,19:x@thread.tacv2'), [{ kind: 'rooms', ids: ['!abc:tchap.gouv.fr', '19:x@thread.tacv2'] }]);
    assert.deepEqual(parseAudience('ÉQUIPE:team-1 ; groupe:grp-2 + membres:!salle:tchap.gouv.fr'), [
      { kind: 'team', id: 'team-1' }, { kind: 'group', id: 'grp-2' }, { kind: 'room-members', roomId: '!salle:tchap.gouv.fr' },
    ]);
    assert.deepEqual(parseAudience('  team:a   users:b '), [{ kind: 'team', id: 'a' }, { kind: 'users', ids: ['b'] }]);
  });

  it('refuses the rest with the syntax in the message', () => {
    assert.throws(() => parseAudience(''), refused('audience-missing'));
    assert.throws(() => parseAudience('   '), refused('audience-missing'));
    assert.throws(() => parseAudience('collegues'), (error: unknown) => refused('audience-unknown')(error) && /Destinataires possibles/.test((error as PasserelleError).userMessage));
    assert.throws(() => parseAudience('tous:123'), refused('audience-unknown'));
    assert.throws(() => parseAudience('utilisateurs:'), refused('audience-unknown'));
    assert.throws(() => parseAudience('utilisateurs:,,'), refused('audience-unknown'));
    assert.throws(() => parseAudience('equipe:a,b'), refused('audience-unknown'));
    assert.throws(() => parseAudience('membres:19:teams-conversation'), refused('audience-unknown'));
    assert.throws(() => parseAudience(`utilisateurs:${'x,'.repeat(20_000)}`), refused('audience-unknown'));
  });
});

describe('announcements / chat command syntax', () => {
  it('reads sub-commands and ids', () => {
    assert.deepEqual(parseAnnounceCommand(''), { type: 'help' });
    assert.deepEqual(parseAnnounceCommand('aide'), { type: 'help' });
    assert.deepEqual(parseAnnounceCommand('Confirmer k7q2zpxm'), { type: 'confirm', id: 'k7q2zpxm' });
    assert.deepEqual(parseAnnounceCommand('annuler ABC'), { type: 'cancel', id: 'ABC' });
    assert.deepEqual(parseAnnounceCommand('statut  ABC  extra'), { type: 'status', id: 'ABC' });
    assert.equal(parseAnnounceCommand('statut').type, 'invalid');
  });

  it('splits the audience from the message at the first colon followed by a space or a line break', () => {
    assert.deepEqual(parseAnnounceCommand('tous : Bonjour : à tous'), { type: 'prepare', audience: 'tous', markdown: 'Bonjour : à tous' });
    assert.deepEqual(parseAnnounceCommand('tous: Bonjour'), { type: 'prepare', audience: 'tous', markdown: 'Bonjour' });
    assert.deepEqual(parseAnnounceCommand('utilisateurs:@a:srv.fr,@b:srv.fr :\n# Titre\ntexte'), { type: 'prepare', audience: 'utilisateurs:@a:srv.fr,@b:srv.fr', markdown: '# Titre\ntexte' });
    assert.deepEqual(parseAnnounceCommand('salons:19:abc@thread.v2 à:2026-12-01T09:00+01:00 : Demain'), {
      type: 'prepare', audience: 'salons:19:abc@thread.v2', at: '2026-12-01T09:00+01:00', markdown: 'Demain',
    });
    assert.equal(parseAnnounceCommand('tous Bonjour').type, 'invalid');
    assert.equal(parseAnnounceCommand('tous à:2026-01-01 le:2026-01-02 : x').type, 'invalid');
  });
});

describe('announcements / message and schedule checks', () => {
  const now = new Date('2026-03-10T10:00:00Z');

  it('trims the message and refuses an empty or oversized one', () => {
    assert.equal(checkMarkdown('  **Bonjour**\n', 100), '**Bonjour**');
    for (const empty of ['', '   ', '\n\n', '---', 42, undefined]) assert.throws(() => checkMarkdown(empty, 100), refused('empty'));
    assert.throws(() => checkMarkdown('a'.repeat(101), 100), (error: unknown) => refused('too-long')(error) && /101 caractères, maximum 100/.test((error as PasserelleError).userMessage));
    assert.throws(() => checkMarkdown('a'.repeat(1_000_000), 20_000), refused('too-long'));
  });

  it('accepts a future ISO date, with or without an offset, and refuses the rest', () => {
    assert.equal(checkSchedule(undefined, now), undefined);
    assert.equal(checkSchedule('', now), undefined);
    assert.equal(checkSchedule('2026-03-10T12:00:00+01:00', now), '2026-03-10T11:00:00.000Z');
    assert.equal(checkSchedule('2026-03-11T00:00:00Z', now), '2026-03-11T00:00:00.000Z');
    assert.throws(() => checkSchedule('2026-03-10T10:00:00Z', now), refused('schedule-past'));
    assert.throws(() => checkSchedule('2025-12-31T23:00:00Z', now), refused('schedule-past'));
    assert.throws(() => checkSchedule('2028-03-10T10:00:00Z', now), refused('schedule-too-far'));
    for (const bad of ['demain', '10/03/2026', '2026-13-45T99:99', 1741600000000, '2026-03-10T12:00:00 Europe/Paris']) assert.throws(() => checkSchedule(bad, now), refused('schedule-invalid'), String(bad));
  });
});
