import assert from 'node:assert/strict';
import { PasserelleError } from '../../../bots/errors.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import { message, withoutNotice } from '../bot/harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { PrivateRedis, testPrefix, waitFor } from './redis-helpers.ts';
import { ADDRESS, CODE, REQUESTER, startRig, type Rig } from './worker-rig.ts';

/**
 * Redis goes down (a private redis-server killed with SIGKILL): long jobs are refused with
 * QUEUE_UNAVAILABLE, quickly, while questions keep being answered; when Redis returns, jobs run again.
 */

const UNAVAILABLE = 'Les résumés et tâches longues sont temporairement indisponibles. Vos questions restent traitées normalement ; réessayez plus tard.';
const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?';

describe('queue outage: Redis down, then back', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let rig: Rig;
  let conversation = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const say = async (text: string, options: Partial<IncomingMessage> = {}) => {
    const before = rig.channel.sent.length;
    await rig.app.bot.handle(message(text, { conversation: { key: `teams:outage-${++conversation}`, reference: {} }, ...options }));
    return rig.channel.sent.slice(before).map((entry) => ({ ...entry, reply: withoutNotice(entry.reply) })).filter((entry) => entry.reply.text !== '');
  };
  const results = () => rig.sent().filter((reply) => reply.kind === 'answer' && reply.text.startsWith('**Résumé'));

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await PrivateRedis.start();
    rig = await startRig({ redis: redis.url });
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await rig?.close();
    await redis?.kill();
  });

  it('runs a job while Redis is up', async () => {
    await say('résume les articles 60 à 60-3');
    await waitFor(() => results().length === 1, 'the first result');
  });

  it('refuses jobs with QUEUE_UNAVAILABLE within two seconds while Redis is down, and keeps answering questions', async () => {
    await redis.kill();
    assert.equal(await rig.queues.work.healthy(), false);
    const job = { kind: 'summarise-code' as const, requester: REQUESTER, address: ADDRESS, length: 'court' as const, kb: 'legal', code: CODE, part: { type: 'heading' as const, label: 'titre II' } };
    const started = Date.now();
    await assert.rejects(rig.app.jobs.submit(job, 'outage'), (error: unknown) => error instanceof PasserelleError && error.code === 'QUEUE_UNAVAILABLE' && error.retryable);
    assert.ok(Date.now() - started < 2_000, `refused after ${Date.now() - started} ms`);

    const outcome = await rig.app.answers.answer({ question: QUESTION, allowedKbs: ['legal'], clearance: 'diffusion-restreinte', conversationKey: 'teams:outage-direct', channel: 'teams', userHash: REQUESTER.userHash });
    assert.equal(outcome.reply.kind, 'answer');
    assert.ok(outcome.citedIds.some((id) => id.startsWith('CD-60')), JSON.stringify(outcome.citedIds));

    const [ack] = await say('résume le titre XII');
    assert.equal(ack?.reply.kind, 'progress');
    const update = rig.updates(ack?.id).at(-1);
    assert.equal(update?.kind, 'error');
    assert.equal(update?.text, UNAVAILABLE);

    const [answer] = await say(QUESTION);
    assert.equal(answer?.reply.kind, 'answer');
    assert.match(answer?.reply.text ?? '', /visite des marchandises/);
    assert.equal((await say('tâches'))[0]?.reply.text, UNAVAILABLE);
    assert.equal((await say('annule res-code-0123456789'))[0]?.reply.text, UNAVAILABLE);
  });

  it('accepts and runs jobs again once Redis is back (same bot and worker, no restart)', async () => {
    await redis.restart();
    await waitFor(() => rig.queues.work.healthy(), 'the queue to reconnect', 20_000, 200);
    const before = results().length;
    const [ack] = await say('résume le titre XII');
    assert.match(rig.updates(ack?.id).at(-1)?.text ?? '', /^🕑 Tâche res-code-[0-9a-f]+ enregistrée/);
    await waitFor(() => results().length === before + 1, 'the result after the outage', 30_000, 100);
    assert.match(results().at(-1)?.text ?? '', /Titre XII : Contentieux et recouvrement/);
    assert.deepEqual(unhandled, [], 'no unhandled rejection during the outage');
  });
});

describe('a worker started while Redis is down', function () {
  this.timeout(60_000);

  it('starts processing once Redis comes up, and closes cleanly either way', async () => {
    const redis = await PrivateRedis.start(false);
    const errors: unknown[] = [];
    const queue = new BullJobQueue<{ n: number }>('late', { redisUrl: redis.url, prefix: testPrefix(), onError: (error) => errors.push(error) });
    const never = new BullJobQueue<{ n: number }>('never', { redisUrl: redis.url, prefix: testPrefix() });
    const done: number[] = [];
    try {
      queue.process(1, async (data) => void done.push(data.n));
      never.process(1, async () => undefined);
      await sleep(1_500);
      const closing = Date.now();
      await never.close();
      assert.ok(Date.now() - closing < 3_000, 'close() does not hang while Redis is unreachable');
      await redis.restart();
      await waitFor(() => queue.healthy(), 'the connection', 20_000, 200);
      await queue.add({ n: 7 }, { jobId: 'late-1' });
      await waitFor(() => done.length === 1, 'the job to run', 20_000);
      assert.deepEqual(done, [7]);
      assert.deepEqual(errors, []);
    } finally {
      await queue.close();
      await redis.kill();
    }
  });
});
