import assert from 'node:assert/strict';
import type { AnnouncementRecord, AnnouncementStore, NewRecipient } from '../../state/announcement-store.ts';

/**
 * The behaviour every AnnouncementStore must have, registered once per implementation by
 * announcement-store.test.ts. `cleanup` runs before each test while no store is open.
 */
export function announcementStoreContract(name: string, open: () => Promise<AnnouncementStore>, cleanup?: () => Promise<void>): void {
  describe(`AnnouncementStore contract: ${name}`, function () {
    this.timeout(30_000);
    let store: AnnouncementStore;

    beforeEach(async () => {
      await cleanup?.();
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9, minutes)).toISOString();
    const announcement = (id: string, extra: Partial<AnnouncementRecord> = {}): AnnouncementRecord => ({
      id, audience: 'tous', markdown: '**Bonjour** à tous', createdBy: 'u1', origin: 'chat', createdAt: at(0), status: 'draft', ...extra,
    });
    const user = (n: number, extra: Partial<NewRecipient> = {}): NewRecipient => ({
      key: `teams:user:u${String(n).padStart(5, '0')}`, channel: 'teams', kind: 'user', target: `u${n}`,
      address: { key: `teams:a:${n}`, reference: { conversation: { id: `a:${n}` }, serviceUrl: 'https://smba.example/' } }, tenant: 'tenant-1',
      status: 'pending', ...extra,
    });

    it('round-trips an announcement with every field, and a minimal one with optional fields absent', async () => {
      const full = announcement('FULL0001', {
        scheduledAt: at(30), origin: 'api', notify: { channel: 'matrix', address: { key: 'matrix:!r:x', reference: { roomId: '!r:x', isDirect: true } } },
      });
      await store.createAnnouncement(full, []);
      await store.createAnnouncement(announcement('MIN00001'), []);
      assert.deepEqual(await store.getAnnouncement('FULL0001'), full);
      const minimal = await store.getAnnouncement('MIN00001');
      assert.deepEqual(minimal, announcement('MIN00001'));
      for (const field of ['scheduledAt', 'confirmedAt', 'startedAt', 'finishedAt', 'notify']) assert.ok(!(field in minimal!), field);
      assert.equal(await store.getAnnouncement('NOPE'), undefined);
    });

    it('refuses a second announcement with the same id, and keeps nothing of the failed one', async () => {
      await store.createAnnouncement(announcement('DUP00001'), [user(1)]);
      await assert.rejects(store.createAnnouncement(announcement('DUP00001', { markdown: 'autre' }), [user(2)]));
      assert.equal((await store.getAnnouncement('DUP00001'))?.markdown, '**Bonjour** à tous');
      assert.deepEqual((await store.listRecipients('DUP00001')).map((r) => r.target), ['u1']);
    });

    it('round-trips recipients, pending or already final, in key order', async () => {
      const room: NewRecipient = { key: 'matrix:room:!salle:x', channel: 'matrix', kind: 'room', target: '!salle:x', status: 'pending' };
      const unreachable = user(2, { status: 'failed', errorCode: 'no-conversation', reason: 'Aucune conversation', address: undefined });
      delete unreachable.address;
      await store.createAnnouncement(announcement('REC00001'), [user(3), room, unreachable, user(1)]);
      const list = await store.listRecipients('REC00001');
      assert.deepEqual(list.map((r) => r.key), ['matrix:room:!salle:x', 'teams:user:u00001', 'teams:user:u00002', 'teams:user:u00003']);
      const first = list[1]!;
      assert.deepEqual({ ...first, updatedAt: undefined }, { ...user(1), announcementId: 'REC00001', attempts: 0, updatedAt: undefined });
      assert.equal(first.updatedAt, at(0));
      assert.deepEqual(await store.getRecipient('REC00001', room.key), { ...room, announcementId: 'REC00001', attempts: 0, updatedAt: at(0) });
      const failed = await store.getRecipient('REC00001', unreachable.key);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.reason, 'Aucune conversation');
      assert.ok(!('address' in failed!) && !('messageId' in failed) && !('claimedBy' in failed));
    });

    it('pages recipients by key and filters them by status', async () => {
      await store.createAnnouncement(announcement('PAGE0001'), Array.from({ length: 7 }, (_, i) => user(i + 1, i % 3 === 0 ? { status: 'failed', errorCode: 'x', reason: 'x' } : {})));
      const page1 = await store.listRecipients('PAGE0001', { limit: 3 });
      const page2 = await store.listRecipients('PAGE0001', { limit: 3, afterKey: page1.at(-1)!.key });
      const page3 = await store.listRecipients('PAGE0001', { limit: 3, afterKey: page2.at(-1)!.key });
      assert.deepEqual([...page1, ...page2, ...page3].map((r) => r.target), ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']);
      assert.deepEqual((await store.listRecipients('PAGE0001', { statuses: ['failed'] })).map((r) => r.target), ['u1', 'u4', 'u7']);
      assert.deepEqual((await store.listRecipients('PAGE0001', { statuses: ['pending', 'sending'], limit: 2 })).map((r) => r.target), ['u2', 'u3']);
      assert.deepEqual(await store.listRecipients('OTHER'), []);
    });

    it('transition is a compare-and-set, and stamps confirmation, start and end', async () => {
      await store.createAnnouncement(announcement('TRAN0001'), []);
      assert.equal(await store.transition('TRAN0001', ['scheduled'], 'sending', at(1)), false, 'not scheduled');
      assert.equal(await store.transition('TRAN0001', ['draft'], 'scheduled', at(2)), true);
      assert.equal(await store.transition('TRAN0001', ['draft'], 'sending', at(3)), false, 'no longer a draft');
      assert.equal(await store.transition('TRAN0001', ['draft', 'scheduled'], 'sending', at(4)), true);
      assert.equal(await store.transition('TRAN0001', ['sending'], 'completed', at(5)), true);
      const done = await store.getAnnouncement('TRAN0001');
      assert.deepEqual([done?.status, done?.confirmedAt, done?.startedAt, done?.finishedAt], ['completed', at(2), at(4), at(5)]);
      assert.equal(await store.transition('MISSING', ['draft'], 'cancelled', at(6)), false);
    });

    it('only one of concurrent transitions wins', async () => {
      await store.createAnnouncement(announcement('RACE0001', { status: 'scheduled', scheduledAt: at(1) }), []);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.transition('RACE0001', ['scheduled'], 'sending', at(2))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('lists announcements by status and due time, oldest first', async () => {
      await store.createAnnouncement(announcement('LIST0003', { createdAt: at(3), status: 'scheduled', scheduledAt: at(50) }), []);
      await store.createAnnouncement(announcement('LIST0001', { createdAt: at(1), status: 'scheduled', scheduledAt: at(10) }), []);
      await store.createAnnouncement(announcement('LIST0002', { createdAt: at(2), status: 'sending' }), []);
      await store.createAnnouncement(announcement('LIST0004', { createdAt: at(4) }), []);
      const ids = async (filter?: Parameters<AnnouncementStore['listAnnouncements']>[0]) => (await store.listAnnouncements(filter)).map((a) => a.id);
      assert.deepEqual(await ids(), ['LIST0001', 'LIST0002', 'LIST0003', 'LIST0004']);
      assert.deepEqual(await ids({ statuses: ['scheduled', 'sending'] }), ['LIST0001', 'LIST0002', 'LIST0003']);
      assert.deepEqual(await ids({ statuses: ['scheduled'], scheduledBefore: at(10) }), ['LIST0001']);
      assert.deepEqual(await ids({ statuses: ['scheduled'], scheduledBefore: at(60) }), ['LIST0001', 'LIST0003']);
      assert.deepEqual(await ids({ limit: 2 }), ['LIST0001', 'LIST0002']);
    });

    it('claims a pending recipient once: one winner among concurrent claimers', async () => {
      await store.createAnnouncement(announcement('CLM00001', { status: 'sending' }), [user(1), user(2, { status: 'blocked', errorCode: 'b', reason: 'b' })]);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimRecipient('CLM00001', user(1).key, `owner-${i}`, at(5))));
      const winners = claims.filter((claim) => claim !== undefined);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]!.status, 'sending');
      assert.equal(winners[0]!.attempts, 1);
      assert.equal(winners[0]!.updatedAt, at(5));
      assert.match(winners[0]!.claimedBy ?? '', /^owner-\d+$/);
      assert.equal(await store.claimRecipient('CLM00001', user(2).key, 'o', at(5)), undefined, 'a final recipient is not claimable');
      assert.equal(await store.claimRecipient('CLM00001', 'teams:user:none', 'o', at(5)), undefined);
    });

    it('finishes only a recipient being sent, and only for its owner when one is given', async () => {
      await store.createAnnouncement(announcement('FIN00001', { status: 'sending' }), [user(1), user(2)]);
      assert.equal(await store.finishRecipient('FIN00001', user(1).key, { status: 'sent', messageId: 'm1' }, at(6)), false, 'still pending');
      await store.claimRecipient('FIN00001', user(1).key, 'me', at(6));
      assert.equal(await store.finishRecipient('FIN00001', user(1).key, { status: 'sent', messageId: 'm1' }, at(7), 'someone-else'), false);
      assert.equal(await store.finishRecipient('FIN00001', user(1).key, { status: 'sent', messageId: 'm1' }, at(7), 'me'), true);
      assert.equal(await store.finishRecipient('FIN00001', user(1).key, { status: 'failed', errorCode: 'x', reason: 'x' }, at(8)), false, 'sent is final');
      const sent = await store.getRecipient('FIN00001', user(1).key);
      assert.deepEqual([sent?.status, sent?.messageId, sent?.attempts, sent?.updatedAt, sent?.claimedBy], ['sent', 'm1', 1, at(7), 'me']);
      await store.claimRecipient('FIN00001', user(2).key, 'me', at(8));
      assert.equal(await store.finishRecipient('FIN00001', user(2).key, { status: 'blocked', errorCode: 'blocked', reason: 'Bot bloqué' }, at(9)), true, 'no owner: any');
      const blocked = await store.getRecipient('FIN00001', user(2).key);
      assert.deepEqual([blocked?.status, blocked?.errorCode, blocked?.reason], ['blocked', 'blocked', 'Bot bloqué']);
    });

    it('a transient failure puts the recipient back in line, keeping the attempt count and the reason', async () => {
      await store.createAnnouncement(announcement('RETRY001', { status: 'sending' }), [user(1)]);
      await store.claimRecipient('RETRY001', user(1).key, 'me', at(1));
      assert.equal(await store.finishRecipient('RETRY001', user(1).key, { status: 'pending', errorCode: 'channel-unavailable', reason: 'Canal indisponible' }, at(2), 'me'), true);
      const back = await store.getRecipient('RETRY001', user(1).key);
      assert.deepEqual([back?.status, back?.attempts, back?.errorCode, 'claimedBy' in back!], ['pending', 1, 'channel-unavailable', false]);
      const again = await store.claimRecipient('RETRY001', user(1).key, 'other', at(3));
      assert.equal(again?.attempts, 2);
      await store.finishRecipient('RETRY001', user(1).key, { status: 'sent', messageId: 'm' }, at(4), 'other');
      const sent = await store.getRecipient('RETRY001', user(1).key);
      assert.ok(sent && !('errorCode' in sent) && !('reason' in sent), 'a success clears the last failure');
    });

    it('counts by status and tells whether something is unfinished', async () => {
      await store.createAnnouncement(announcement('CNT00001', { status: 'sending' }), [user(1), user(2), user(3), user(4, { status: 'failed', errorCode: 'x', reason: 'x' })]);
      assert.deepEqual(await store.countRecipients('CNT00001'), { total: 4, pending: 3, sending: 0, sent: 0, failed: 1, blocked: 0, cancelled: 0, roomsSent: 0, membersReached: 0 });
      assert.equal(await store.hasUnfinished('CNT00001'), true);
      for (const n of [1, 2, 3]) await store.claimRecipient('CNT00001', user(n).key, 'me', at(1));
      await store.finishRecipient('CNT00001', user(1).key, { status: 'sent', messageId: 'a' }, at(2));
      await store.finishRecipient('CNT00001', user(2).key, { status: 'blocked', errorCode: 'b', reason: 'b' }, at(2));
      assert.deepEqual(await store.countRecipients('CNT00001'), { total: 4, pending: 0, sending: 1, sent: 1, failed: 1, blocked: 1, cancelled: 0, roomsSent: 0, membersReached: 0 });
      assert.equal(await store.hasUnfinished('CNT00001'), true, 'one is being sent');
      await store.finishRecipient('CNT00001', user(3).key, { status: 'sent', messageId: 'c' }, at(3));
      assert.equal(await store.hasUnfinished('CNT00001'), false);
      // Announcement rooms (Tchap): one row per room, its members counted once it is sent.
      const room = (n: number, members: number): NewRecipient => ({ key: `matrix:room:!r${n}:t.fr`, channel: 'matrix', kind: 'room', target: `!r${n}:t.fr`, members, status: 'pending', address: { key: `matrix:!r${n}:t.fr`, reference: { roomId: `!r${n}:t.fr`, isDirect: false } } });
      await store.createAnnouncement(announcement('CNT00002', { status: 'sending' }), [room(1, 120), room(2, 30), user(1)]);
      assert.equal((await store.getRecipient('CNT00002', room(1, 120).key))?.members, 120);
      assert.equal((await store.getRecipient('CNT00002', user(1).key))?.members, undefined);
      for (const recipient of [room(1, 120), room(2, 30), user(1)]) await store.claimRecipient('CNT00002', recipient.key, 'me', at(1));
      for (const recipient of [room(1, 120), user(1)]) await store.finishRecipient('CNT00002', recipient.key, { status: 'sent', messageId: 'm' }, at(2));
      const rooms = await store.countRecipients('CNT00002');
      assert.deepEqual([rooms.sent, rooms.sending, rooms.roomsSent, rooms.membersReached], [2, 1, 1, 120]);
      assert.deepEqual(await store.countRecipients('NONE'), { total: 0, pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, cancelled: 0, roomsSent: 0, membersReached: 0 });
    });

    it('cancelPending cancels what has not started, and leaves the rest', async () => {
      await store.createAnnouncement(announcement('CAN00001', { status: 'sending' }), [user(1), user(2), user(3)]);
      await store.claimRecipient('CAN00001', user(1).key, 'me', at(1));
      assert.equal(await store.cancelPending('CAN00001', at(2), 'Annonce annulée avant cet envoi.'), 2);
      const counts = await store.countRecipients('CAN00001');
      assert.deepEqual([counts.sending, counts.cancelled, counts.pending], [1, 2, 0]);
      assert.equal(await store.claimRecipient('CAN00001', user(2).key, 'me', at(3)), undefined, 'a cancelled recipient is never sent');
      assert.equal((await store.getRecipient('CAN00001', user(2).key))?.errorCode, 'cancelled');
    });

    it('stores a large audience in one go', async () => {
      const many = Array.from({ length: 2_500 }, (_, i) => user(i));
      await store.createAnnouncement(announcement('BIG00001'), many);
      assert.equal((await store.countRecipients('BIG00001')).pending, 2_500);
      assert.equal((await store.listRecipients('BIG00001', { afterKey: user(2_498).key })).length, 1);
    });

    it('keeps everything across close and reopen', async () => {
      await store.createAnnouncement(announcement('PERS0001', { status: 'sending' }), [user(1), user(2)]);
      await store.claimRecipient('PERS0001', user(1).key, 'crashed-owner', at(1));
      await store.close();
      store = await open();
      assert.equal((await store.getAnnouncement('PERS0001'))?.status, 'sending');
      const interrupted = await store.listRecipients('PERS0001', { statuses: ['sending'] });
      assert.deepEqual(interrupted.map((r) => [r.target, r.claimedBy]), [['u1', 'crashed-owner']]);
    });
  });
}
