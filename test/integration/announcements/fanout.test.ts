import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PasserelleError } from '../../../bots/errors.ts';
import { matrixReference, startRig, teamsReference, type Rig } from './rig.ts';
import { RecordingAnnounceChannel } from './recording-channel.ts';

const blocked = () => new PasserelleError('RECIPIENT_UNREACHABLE', { channel: 'teams' });
const throttled = (ms: number) => new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'teams' }, { retryAfterMs: ms });
const unavailable = () => new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'teams' });

describe('announcements / fan-out with recording channels (in-process queues)', function () {
  this.timeout(20_000);
  let rig: Rig;
  afterEach(async () => rig?.close());

  const references = (teams: number, matrix: number) => [
    ...Array.from({ length: teams }, (_, i) => teamsReference(i + 1)),
    ...Array.from({ length: matrix }, (_, i) => matrixReference(i + 1)),
  ];

  async function announce(to = 'tous', markdown = '**Maintenance** ce soir à 20 h.', at?: string) {
    const prepared = await rig.announcements.service.submit({ to, markdown, ...(at ? { at } : {}), createdBy: 'admin', origin: 'api' });
    return prepared.announcement.id;
  }

  it('sends to everyone the bot knows, once each, as a notice that is not AI-generated', async () => {
    rig = await startRig({ references: [...references(30, 20), teamsReference(99, { isDirect: false, userId: undefined, key: 'teams:19:channel' }), matrixReference(98, { active: false })] });
    await rig.announcements.start();
    const id = await announce();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual(counts, { total: 50, pending: 0, sending: 0, sent: 50, failed: 0, blocked: 0, cancelled: 0, roomsSent: 0, membersReached: 0 });
    assert.equal(rig.teams.delivered.length, 30);
    assert.equal(rig.matrix.delivered.length, 20);
    for (const channel of [rig.teams, rig.matrix]) assert.ok([...channel.countsByKey().values()].every((n) => n === 1), 'nobody twice');
    const reply = rig.teams.delivered[0]!.reply;
    assert.deepEqual([reply.kind, reply.aiGenerated, reply.feedback, reply.notify, reply.text], ['notice', false, false, true, '**📢 Annonce** — de la part de l’équipe Passerelle\n\n**Maintenance** ce soir à 20 h.']);
    assert.ok(!rig.teams.countsByKey().has('teams:19:channel'), 'channels are not "everyone"');
    const sent = await rig.store.listRecipients(id, { limit: 1 });
    assert.match(sent[0]!.messageId ?? '', /-msg-\d+$/);
  });

  it('reports a blocked recipient (403) without trying again, and sends to the others', async () => {
    rig = await startRig({ references: references(5, 0) });
    rig.teams.failNext('teams:a:personal-3', blocked());
    await rig.announcements.start();
    const id = await announce();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual([counts.sent, counts.blocked, counts.failed], [4, 1, 0]);
    const [row] = await rig.store.listRecipients(id, { statuses: ['blocked'] });
    assert.equal(row!.target, 'aad-3');
    assert.equal(row!.attempts, 1);
    assert.match(row!.reason ?? '', /bloqué/);
    assert.equal(rig.teams.attempts.filter((attempt) => attempt.key === 'teams:a:personal-3').length, 1);
  });

  it('retries transient failures with backoff, and reports a recipient failed after maxAttempts with the reason', async () => {
    rig = await startRig({ references: references(3, 0) });
    rig.teams.failNext('teams:a:personal-1', unavailable(), unavailable());
    rig.teams.failNext('teams:a:personal-2', unavailable(), unavailable(), unavailable(), unavailable());
    await rig.announcements.start();
    const id = await announce();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual([counts.sent, counts.failed], [2, 1]);
    const first = await rig.store.getRecipient(id, 'teams:user:aad-1');
    assert.deepEqual([first?.status, first?.attempts], ['sent', 3]);
    const second = await rig.store.getRecipient(id, 'teams:user:aad-2');
    assert.deepEqual([second?.status, second?.attempts, second?.errorCode], ['failed', 3, 'channel-unavailable']);
    assert.match(second?.reason ?? '', /Échec après 3 tentative/);
    assert.equal(rig.teams.delivered.filter((d) => d.key === 'teams:a:personal-2').length, 0);
  });

  it('pauses the whole channel for Retry-After on a 429, then sends everything once', async () => {
    rig = await startRig({ references: references(10, 3) });
    rig.teams.failAny(throttled(600));
    await rig.announcements.start();
    const started = Date.now();
    const id = await announce();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.equal(counts.sent, 13);
    const throttledAt = rig.teams.attempts.find((attempt) => attempt.failed)!.at;
    const afterwards = rig.teams.attempts.filter((attempt) => attempt.at > throttledAt + 5);
    assert.ok(afterwards.length > 0 && afterwards.every((attempt) => attempt.at - throttledAt >= 580), `teams waited the Retry-After: ${afterwards.map((a) => a.at - throttledAt).join(',')}`);
    assert.ok(rig.matrix.delivered.every((delivery) => delivery.at - started < 580), 'the other channel is not paused');
    assert.ok([...rig.teams.countsByKey().values()].every((n) => n === 1));
  });

  it('keeps under the configured rate per channel', async () => {
    rig = await startRig({ references: references(45, 0), overrides: { rates: { teamsPerSecond: 20, matrixPerSecond: 1_000 } } });
    await rig.announcements.start();
    const id = await announce();
    await rig.waitForStatus(id, 'completed');
    const times = rig.teams.delivered.map((delivery) => delivery.at).sort((a, b) => a - b);
    for (let i = 20; i < times.length; i++) assert.ok(times[i]! - times[i - 20]! >= 990, `21 sends within ${times[i]! - times[i - 20]!} ms`);
    assert.ok(times.at(-1)! - times[0]! >= 2_000, '45 sends at 20/s take more than 2 s');
  });

  it('holds a scheduled announcement until its time, and cancelling it before sends nothing', async () => {
    rig = await startRig({ references: references(4, 0) });
    await rig.announcements.start();
    const later = await announce('tous', 'Programmée', new Date(Date.now() + 400).toISOString());
    const cancelled = await announce('tous', 'Annulée', new Date(Date.now() + 400).toISOString());
    assert.equal((await rig.store.getAnnouncement(later))?.status, 'scheduled');
    await rig.announcements.service.cancel(cancelled);
    await sleep(150);
    assert.equal(rig.teams.delivered.length, 0, 'nothing before the time');
    await rig.waitForStatus(later, 'completed');
    assert.equal(rig.teams.delivered.length, 4);
    assert.ok(rig.teams.delivered.every((delivery) => delivery.reply.text.endsWith('\n\nProgrammée')));
    const counts = await rig.store.countRecipients(cancelled);
    assert.deepEqual([counts.cancelled, counts.sent], [4, 0]);
  });

  it('a job run twice, concurrently or again later, sends once', async () => {
    rig = await startRig({ references: references(1, 0), teams: new RecordingAnnounceChannel('teams', { latencyMs: 100 }) });
    const prepared = await rig.announcements.service.prepare({ to: 'tous', markdown: 'Une fois', createdBy: 'a', origin: 'api' });
    const id = prepared.announcement.id;
    await rig.store.transition(id, ['draft'], 'sending', new Date().toISOString());
    const sender = rig.announcements.consumer as unknown as { deps: { sender: { deliver(job: unknown): Promise<void> } } };
    const job = { announcementId: id, key: 'teams:user:aad-1' };
    await Promise.all([sender.deps.sender.deliver(job), sender.deps.sender.deliver(job), sender.deps.sender.deliver(job)]);
    await sender.deps.sender.deliver(job);
    assert.equal(rig.teams.delivered.length, 1);
    await rig.announcements.consumer.enqueue(id);
    await rig.announcements.consumer.enqueue(id);
    assert.equal((await rig.store.getRecipient(id, job.key))?.status, 'sent');
  });

  it('a restart finds what was left: pending rows are sent, interrupted ones reported (Teams) — nobody twice, nobody skipped', async () => {
    rig = await startRig({ references: references(6, 0) });
    const prepared = await rig.announcements.service.prepare({ to: 'tous', markdown: 'Reprise', createdBy: 'a', origin: 'api' });
    const id = prepared.announcement.id;
    await rig.store.transition(id, ['draft'], 'sending', new Date().toISOString());
    // The previous process claimed two rows (and may have sent them) and died; its in-process jobs are gone.
    await rig.store.claimRecipient(id, 'teams:user:aad-1', 'dead-process', new Date().toISOString());
    await rig.store.claimRecipient(id, 'teams:user:aad-2', 'dead-process', new Date().toISOString());
    const restarted = await rig.restart();
    await restarted.start();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual([counts.sent, counts.failed, counts.pending], [4, 2, 0]);
    const interrupted = await rig.store.listRecipients(id, { statuses: ['failed'] });
    assert.deepEqual(interrupted.map((row) => [row.target, row.errorCode]), [['aad-1', 'interrupted'], ['aad-2', 'interrupted']]);
    assert.match(interrupted[0]!.reason ?? '', /peut-être été reçu/);
    assert.deepEqual(new Set(rig.teams.delivered.map((d) => d.key)), new Set([3, 4, 5, 6].map((n) => `teams:a:personal-${n}`)));
  });

  it('replicas: a row another live replica is sending is left to it, and resolved only once that replica is gone', async () => {
    rig = await startRig({ references: references(3, 0) });
    const prepared = await rig.announcements.service.prepare({ to: 'tous', markdown: 'En cours ailleurs', createdBy: 'a', origin: 'api' });
    const id = prepared.announcement.id;
    await rig.store.transition(id, ['draft'], 'sending', new Date().toISOString());
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const otherOwner = `${hostname()}:${other.pid}:replica2`;
    try {
      await rig.store.claimRecipient(id, 'teams:user:aad-1', otherOwner, new Date().toISOString());
      const restarted = await rig.restart();
      await restarted.start();
      await sleep(1_500);
      const row = await rig.store.getRecipient(id, 'teams:user:aad-1');
      assert.deepEqual([row?.status, row?.claimedBy], ['sending', otherOwner], 'not resolved while its replica runs');
      assert.ok(!rig.teams.delivered.some((d) => d.key === 'teams:a:personal-1'));
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual([counts.sent, counts.failed], [2, 1], 'its replica died: reported interrupted');
  });

  it('on a channel with idempotent sends, an interrupted row is sent again with the same key: exactly once', async () => {
    const matrix = new RecordingAnnounceChannel('matrix', { idempotent: true });
    rig = await startRig({ references: references(0, 3), matrix });
    const prepared = await rig.announcements.service.prepare({ to: 'tous', markdown: 'Tchap', createdBy: 'a', origin: 'api' });
    const id = prepared.announcement.id;
    await rig.store.transition(id, ['draft'], 'sending', new Date().toISOString());
    // The dead process had sent to agent1 (the homeserver has it) but not recorded it.
    await rig.store.claimRecipient(id, 'matrix:user:@agent1:tchap.example', 'dead-process', new Date().toISOString());
    const { idempotencyKeyOf } = await import('../../../bots/announcements/fanout-queues.ts');
    const { replyOf } = await import('../../../bots/announcements/recipient-sender.ts');
    await matrix.send(matrixReference(1), replyOf({ markdown: 'Tchap' }), { idempotencyKey: idempotencyKeyOf(id, 'matrix:user:@agent1:tchap.example') });
    const restarted = await rig.restart();
    await restarted.start();
    const counts = await rig.waitForStatus(id, 'completed');
    assert.deepEqual([counts.sent, counts.failed], [3, 0]);
    assert.equal(matrix.delivered.length, 3, 'the homeserver kept one copy each');
    assert.ok([...matrix.countsByKey().values()].every((n) => n === 1));
    assert.equal((await rig.store.getRecipient(id, 'matrix:user:@agent1:tchap.example'))?.attempts, 2);
  });
});
