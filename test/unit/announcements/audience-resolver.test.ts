import assert from 'node:assert/strict';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import type { StoredReference } from '../../../bots/message.ts';
import { parseAudience } from '../../../bots/announcements/audience.ts';
import { AudienceResolver } from '../../../bots/announcements/audience-resolver.ts';
import type { AudienceDirectories } from '../../../bots/announcements/directories.ts';
import { httpRefusalOf, PasserelleError } from '../../../bots/errors.ts';
import { TeamsAppInstaller } from '../../../adapters/teams/app-installer.ts';
import { GraphDirectory } from '../../../adapters/teams/graph-directory.ts';
import { startFakeGraphServer } from '../../fakes/graph-server.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 8, minutes)).toISOString();
const teams = (key: string, extra: Partial<StoredReference> = {}): StoredReference => ({
  key, channel: 'teams', reference: { conversation: { id: key.slice(6), tenantId: 'T' }, serviceUrl: 'https://smba/' }, tenant: 'T', isDirect: true, active: true, updatedAt: at(0), ...extra,
});
const matrix = (roomId: string, userId: string | undefined, extra: Partial<StoredReference> = {}): StoredReference => ({
  key: `matrix:${roomId}`, channel: 'matrix', reference: { roomId, isDirect: userId !== undefined }, ...(userId ? { userId } : {}), isDirect: userId !== undefined, active: true, updatedAt: at(0), ...extra,
});

describe('announcements / audience resolution', () => {
  let state: SqliteStateStore;
  const directories: AudienceDirectories = {};
  const resolver = (channels: Array<'teams' | 'matrix'> = ['teams', 'matrix'], maxRecipients = 100) =>
    new AudienceResolver({ state, channels: new Set(channels), directories, maxRecipients });
  const resolve = (audience: string, channels?: Array<'teams' | 'matrix'>, max?: number) => resolver(channels, max).resolve(parseAudience(audience));
  const refused = (code: string) => (error: unknown) => error instanceof PasserelleError && httpRefusalOf(error)?.code === code;

  beforeEach(async () => {
    state = new SqliteStateStore(':memory:');
    await state.saveReference(teams('teams:a:1', { userId: 'aad-1' }));
    await state.saveReference(teams('teams:a:1-old', { userId: 'aad-1', updatedAt: at(-30) }));
    await state.saveReference(teams('teams:a:2', { userId: 'aad-2' }));
    await state.saveReference(teams('teams:a:3', { userId: 'aad-3', active: false, inactiveReason: '403' }));
    await state.saveReference(teams('teams:19:chan@thread.tacv2;messageid=171', { isDirect: false }));
    await state.saveReference(matrix('!dm1:t.fr', '@un:t.fr'));
    await state.saveReference(matrix('!room:t.fr', undefined));
    delete directories.teams;
    delete directories.matrix;
    directories.matrixBotUserId = '@passerelle:t.fr';
  });
  afterEach(() => state.close());

  it('"tous": one recipient per user with an active direct chat, on the enabled channels', async () => {
    const recipients = await resolve('tous');
    assert.deepEqual(recipients.map((r) => [r.key, r.address?.key, r.status]), [
      ['matrix:user:@un:t.fr', 'matrix:!dm1:t.fr', 'pending'],
      ['teams:user:aad-1', 'teams:a:1', 'pending'],
      ['teams:user:aad-2', 'teams:a:2', 'pending'],
    ]);
    assert.equal(recipients[1]!.tenant, 'T');
    assert.deepEqual((await resolve('tous', ['matrix'])).map((r) => r.key), ['matrix:user:@un:t.fr']);
  });

  it('rooms and direct chats whose moderators refused announcements (paramètres annonces non) are reported, not sent to', async () => {
    const settings = (roomKey: string, announcements: boolean) => state.saveRoomSettings({ roomKey, channel: roomKey.startsWith('matrix') ? 'matrix' : 'teams', settings: { announcements }, updatedBy: 'h', updatedAt: at(1) });
    await settings('matrix:!room:t.fr', false);
    await settings('teams:a:2', false);
    await settings('teams:a:1', true);
    const recipients = await resolve('tous salons:!room:t.fr');
    assert.deepEqual(recipients.map((r) => [r.key, r.status, r.errorCode ?? '', r.address?.key ?? '']), [
      ['matrix:room:!room:t.fr', 'failed', 'announcements-refused', ''],
      ['matrix:user:@un:t.fr', 'pending', '', 'matrix:!dm1:t.fr'],
      ['teams:user:aad-1', 'pending', '', 'teams:a:1'],
      ['teams:user:aad-2', 'failed', 'announcements-refused', ''],
    ]);
    assert.match(recipients[0]!.reason ?? '', /annonces sont refusées/);
  });

  it('groupe: members without a conversation get the app installed (fake Graph); the report says installed now, already, unreachable and why', async () => {
    const graph = await startFakeGraphServer({
      tenantId: '11111111-2222-3333-4444-555555555555', clientId: 'app-id', clientSecret: 's',
      users: [{ id: 'aad-1' }, { id: 'aad-new' }, { id: 'aad-had' }, { id: 'aad-late' }, { id: 'aad-blocked' }],
      groups: { 'grp-brigade': ['aad-1', 'aad-new', 'aad-had', 'aad-late', 'aad-blocked', 'aad-ghost'] },
      catalog: { 'app-id': 'catalog-1' },
      forbidden: ['aad-blocked'],
    });
    try {
      graph.installed.add('users/aad-had');
      const directory = new GraphDirectory({ tenantId: '11111111-2222-3333-4444-555555555555', clientId: 'app-id', clientSecret: 's', authorityHost: graph.url, graphUrl: graph.url });
      const installer = new TeamsAppInstaller({ graphUrl: graph.url, token: () => directory.token(), externalAppId: 'app-id' });
      directories.teams = { teamMembers: (id) => directory.teamMembers(id), groupMembers: (id) => directory.groupMembers(id), installApp: (ids) => installer.installForUsers(ids) };
      let polls = 0;
      // Teams opens the conversations of the new installations (its installationUpdate, stored by the core), not of aad-late.
      const sleep = async () => {
        polls++;
        await state.saveReference(teams('teams:a:new', { userId: 'aad-new' }));
        await state.saveReference(teams('teams:a:had', { userId: 'aad-had' }));
      };
      const recipients = await new AudienceResolver({ state, channels: new Set(['teams']), directories, maxRecipients: 100, installWaitMs: 200, installPollMs: 1, sleep }).resolve(parseAudience('groupe:grp-brigade'));
      assert.deepEqual(recipients.map((r) => [r.target, r.status, r.errorCode ?? '', r.address?.key ?? '']), [
        ['aad-1', 'pending', '', 'teams:a:1'],
        ['aad-blocked', 'failed', 'install-failed', ''],
        ['aad-ghost', 'failed', 'install-failed', ''],
        ['aad-had', 'pending', '', 'teams:a:had'],
        ['aad-late', 'pending', '', ''],
        ['aad-new', 'pending', '', 'teams:a:new'],
      ].map(([target, status, code, key]) => (target === 'aad-late' ? [target, 'failed', 'installed-awaiting-conversation', ''] : [target, status, code, key])));
      assert.ok(polls >= 1);
      const byTarget = new Map(recipients.map((r) => [r.target, r]));
      assert.match(byTarget.get('aad-new')!.reason ?? '', /installée pour cet agent par l’annonce/);
      assert.equal(byTarget.get('aad-had')!.reason, undefined, 'already had it');
      assert.match(byTarget.get('aad-blocked')!.reason ?? '', /Installation de l’application impossible : Installation refusée par Microsoft Graph/);
      assert.match(byTarget.get('aad-ghost')!.reason ?? '', /introuvable/);
      assert.match(byTarget.get('aad-late')!.reason ?? '', /relancez l’annonce/);
      assert.equal(graph.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/installedApps')).length, 5, 'no installation for the member who already has a conversation');
    } finally {
      await graph.close();
    }
  });

  it('users: Teams users without a conversation are kept as failed with the reason; Tchap ones are opened at send time', async () => {
    const recipients = await resolve('utilisateurs:aad-2,aad-9,@deux:t.fr,@un:t.fr utilisateurs:aad-2');
    assert.deepEqual(recipients.map((r) => [r.key, r.status, r.errorCode ?? '']), [
      ['matrix:user:@deux:t.fr', 'pending', ''],
      ['matrix:user:@un:t.fr', 'pending', ''],
      ['teams:user:aad-2', 'pending', ''],
      ['teams:user:aad-9', 'failed', 'no-conversation'],
    ]);
    assert.equal(recipients[0]!.address, undefined, 'no stored direct chat: directRoomFor at send time');
    assert.match(recipients[3]!.reason ?? '', /application non installée/);
  });

  it('rooms: a Teams channel is addressed at its top level, a Tchap room directly, an unknown Teams one is reported', async () => {
    const recipients = await resolve('salons:19:chan@thread.tacv2,!room:t.fr,19:unknown@thread.v2');
    const channel = recipients.find((r) => r.key === 'teams:room:19:chan@thread.tacv2')!;
    assert.equal(channel.address?.key, 'teams:19:chan@thread.tacv2');
    assert.equal((channel.address?.reference as { conversation: { id: string } }).conversation.id, '19:chan@thread.tacv2');
    assert.deepEqual(recipients.find((r) => r.kind === 'room' && r.channel === 'matrix')?.address, { key: 'matrix:!room:t.fr', reference: { roomId: '!room:t.fr', isDirect: false } });
    assert.equal(recipients.find((r) => r.target === '19:unknown@thread.v2')?.errorCode, 'no-conversation');
  });

  it('teams, groups and room members come from the directories (the bot left out)', async () => {
    directories.teams = {
      teamMembers: async (id) => (id === 'team-1' ? [{ id: 'aad-1' }, { id: 'aad-7' }] : Promise.reject(new Error('404'))),
      groupMembers: async () => [{ id: 'aad-2' }, { id: 'aad-1' }],
    };
    directories.matrix = { joinedMembers: async () => ['@un:t.fr', '@passerelle:t.fr', '@trois:t.fr'] };
    const recipients = await resolve('equipe:team-1 groupe:grp membres:!room:t.fr');
    assert.deepEqual(recipients.map((r) => `${r.key}=${r.status}`), [
      'matrix:user:@trois:t.fr=pending', 'matrix:user:@un:t.fr=pending', 'teams:user:aad-1=pending', 'teams:user:aad-2=pending', 'teams:user:aad-7=failed',
    ]);
    await assert.rejects(resolve('equipe:team-x'), (error: unknown) => refused('directory-unavailable')(error) && /l’équipe team-x/.test((error as PasserelleError).userMessage));
  });

  it('refuses a disabled channel, a missing directory, an empty or too large audience', async () => {
    await assert.rejects(resolve('utilisateurs:@x:t.fr', ['teams']), refused('channel-disabled'));
    await assert.rejects(resolve('equipe:t'), refused('directory-unavailable'));
    await assert.rejects(resolve('membres:!r:t.fr'), refused('directory-unavailable'));
    await assert.rejects(resolve('tous', []), refused('audience-empty'));
    await assert.rejects(resolve('tous', undefined, 2), refused('audience-too-large'));
  });
});
