import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PasserelleError } from '../../../bots/errors.ts';
import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { inProcessQueues, type AnnouncementJob, type AnnouncementQueues } from '../../../bots/announcements/fanout-queues.ts';
import { deleteKeysUnder, keysUnder, REDIS_URL, testPrefix } from '../workers/redis-helpers.ts';
import { RecordingAnnounceChannel } from './recording-channel.ts';
import { matrixReference, startRig, teamsReference, type Rig } from './rig.ts';

/** The production queues: one bull queue per channel on Redis. */
function bullQueues(prefix: string): AnnouncementQueues {
  const make = (name: string) => new BullJobQueue<AnnouncementJob>(name, { redisUrl: REDIS_URL, prefix, lockDurationMs: 5_000, stalledIntervalMs: 1_000 });
  return inProcessQueues(make('passerelle-announce-teams'), make('passerelle-announce-matrix'));
}

describe('announcements / fan-out on bull queues (Redis)', function () {
  this.timeout(30_000);
  let rig: Rig;
  let prefix: string;
  beforeEach(() => (prefix = testPrefix()));
  afterEach(async () => {
    await rig?.close();
    await deleteKeysUnder(prefix);
  });

  const references = [...Array.from({ length: 150 }, (_, i) => teamsReference(i + 1)), ...Array.from({ length: 50 }, (_, i) => matrixReference(i + 1))];

  it('one job per recipient with an idempotent id: 200 recipients, each once, with failures injected', async () => {
    const teams = new RecordingAnnounceChannel('teams');
    teams.failNext('teams:a:personal-7', new PasserelleError('CHANNEL_UNAVAILABLE', {}, { retryAfterMs: 200 }));
    teams.failNext('teams:a:personal-8', new PasserelleError('RECIPIENT_UNREACHABLE'));
    teams.failNext('teams:a:personal-9', new PasserelleError('CHANNEL_UNAVAILABLE'), new PasserelleError('CHANNEL_UNAVAILABLE'), new PasserelleError('CHANNEL_UNAVAILABLE'));
    rig = await startRig({ references, teams, overrides: { queues: bullQueues(prefix) } });
    await rig.announcements.start();
    const { announcement } = await rig.announcements.service.submit({ to: 'tous', markdown: 'Via Redis', createdBy: 'api', origin: 'api' });
    await rig.announcements.consumer.settled();
    assert.equal(await rig.announcements.consumer.enqueue(announcement.id), 0, 'enqueuing again adds no job');
    const counts = await rig.waitForStatus(announcement.id, 'completed', 20_000);
    assert.deepEqual([counts.sent, counts.blocked, counts.failed], [198, 1, 1]);
    assert.equal(rig.teams.delivered.length + rig.matrix.delivered.length, 198);
    for (const channel of [rig.teams, rig.matrix]) assert.ok([...channel.countsByKey().values()].every((n) => n === 1));
    assert.ok((await keysUnder(prefix)).some((key) => key.includes('passerelle-announce-teams')), 'jobs went through Redis');
  });

  it('a consumer stopped mid-way and another one started: nobody twice, nobody skipped', async () => {
    rig = await startRig({ references, teams: new RecordingAnnounceChannel('teams', { latencyMs: 5 }), overrides: { queues: bullQueues(prefix), rates: { teamsPerSecond: 100, matrixPerSecond: 100 } } });
    await rig.announcements.start();
    const { announcement } = await rig.announcements.service.submit({ to: 'tous', markdown: 'Relais', createdBy: 'api', origin: 'api' });
    while (rig.teams.delivered.length + rig.matrix.delivered.length < 60) await sleep(10);
    await rig.announcements.consumer.stop();
    await rig.announcements.queues.close();
    const halfway = rig.teams.delivered.length + rig.matrix.delivered.length;
    assert.ok(halfway < 200, `stopped before the end (${halfway})`);
    const next = await rig.restart({ queues: bullQueues(prefix), rates: { teamsPerSecond: 1_000, matrixPerSecond: 1_000 } });
    await next.start();
    const counts = await rig.waitForStatus(announcement.id, 'completed', 20_000);
    assert.equal(counts.sent + counts.failed, 200);
    assert.equal(counts.failed, 0, 'a graceful stop lets sends in flight finish: nothing interrupted');
    for (const channel of [rig.teams, rig.matrix]) assert.ok([...channel.countsByKey().values()].every((n) => n === 1));
    assert.equal(rig.teams.delivered.length + rig.matrix.delivered.length, 200);
  });
});
