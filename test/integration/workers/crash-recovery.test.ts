import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { chatRequests, modelEnv, requestText } from '../bot/harness.ts';
import { waitFor } from './redis-helpers.ts';
import { CODE, REQUESTER, startRig, writeLongMarkdown, type Rig } from './worker-rig.ts';

/**
 * A worker in a child process killed with SIGKILL in the middle of a job (the model is slow), then
 * restarted: the job is picked up again once its lock expires, completes, and the bot process — a real Bot
 * consuming deliveries into a recording channel — posts exactly one result.
 */

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const QUEUE = { lockDurationMs: 1_500, stalledIntervalMs: 500, attempts: 2, backoffMs: 100 };

export function startWorkerChild(rig: Rig, server: FakeModelServer | undefined, queue: Record<string, unknown> = QUEUE): Promise<ChildProcess> {
  const env = {
    PASSERELLE_DATA_DIR: rig.config.dataDir,
    PASSERELLE_LOG_LEVEL: 'silent',
    REDIS_URL: rig.config.queue.redisUrl ?? '',
    PASSERELLE_QUEUE_PREFIX: rig.prefix,
    ...(server ? modelEnv({ provider: 'openai-compatible', server, ceiling: 'diffusion-restreinte' }) : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', CHILD, JSON.stringify({ env, overrides: { chatModel: { maxRetries: 0 }, queue } })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

describe('crash recovery: a worker process killed mid-job', function () {
  this.timeout(90_000);
  let server: FakeModelServer;
  let rig: Rig;
  const children: ChildProcess[] = [];

  before(async () => {
    server = await startFakeModelServer();
    rig = await startRig({ worker: false, queue: QUEUE });
  });
  after(async () => {
    for (const child of children) await kill(child, 'SIGKILL');
    await rig.close();
    await server.close();
  });

  it('re-runs the job in the restarted worker and posts exactly one result', async () => {
    server.onChat(() => ({ delayMs: 1_200, then: { content: '- Visite des marchandises et des personnes (art. 60).' } }));
    const first = await startWorkerChild(rig, server);
    children.push(first);
    const id = await rig.enqueue({ kind: 'summarise-code', kb: 'legal', code: CODE, part: { type: 'heading', label: 'titre II' }, progressMessageId: 'ack-crash' });
    await waitFor(async () => (await rig.queues.work.get(id))?.state === 'active' && chatRequests(server).length >= 1, 'the job to reach the model', 20_000);
    await kill(first, 'SIGKILL');
    const requestsBeforeCrash = chatRequests(server).length;
    assert.equal(rig.sent().length, 0, 'no result before the crash');
    assert.equal((await rig.queues.work.get(id))?.state, 'active', 'the dead worker still holds the job');

    const second = await startWorkerChild(rig, server);
    children.push(second);
    const job = await rig.settled(id, 30_000);
    assert.equal(job.state, 'completed');
    assert.ok(chatRequests(server).length >= requestsBeforeCrash + 2, 'the summary was made again from the start');
    await sleep(1_500);
    const results = rig.sent();
    assert.equal(results.length, 1, `exactly one result: ${JSON.stringify(results.map((reply) => reply.text.slice(0, 40)))}`);
    assert.match(results[0]?.text ?? '', /^\*\*Résumé court — Code des douanes — Titre II[\s\S]*Visite des marchandises et des personnes \(art\. 60\)/);
    const updates = rig.updates('ack-crash').map((reply) => reply.text);
    assert.equal(updates.filter((text) => text.startsWith('✅')).length, 1);
    assert.equal(new Set(updates).size, updates.length, `each progress step once: ${updates}`);
    await kill(second, 'SIGTERM');
  });

  it('resumes a killed job where it stopped: the map steps finished before the crash are not asked of the model again', async () => {
    server.reset();
    server.onChat(() => ({ delayMs: 400, then: { content: '- Point essentiel de la partie (section).' } }));
    rig.channel.sent.length = 0;
    const first = await startWorkerChild(rig, server);
    children.push(first);
    const file = rig.upload(writeLongMarkdown(rig.dir, 15, 4_000));
    const id = await rig.enqueue({ kind: 'summarise-document', file, progressMessageId: 'ack-resume' });
    // Three map steps answered, the fourth in flight.
    await waitFor(() => chatRequests(server).length >= 4, 'three map steps done', 30_000);
    await kill(first, 'SIGKILL');
    const beforeCrash = chatRequests(server).length;
    assert.equal(rig.sent().length, 0, 'no result before the crash');

    const second = await startWorkerChild(rig, server);
    children.push(second);
    assert.equal((await rig.settled(id, 40_000)).state, 'completed');
    const texts = chatRequests(server).map((request) => requestText(request));
    const distinct = new Set(texts).size;
    assert.ok(distinct >= 6, `several map steps and a final one (${distinct})`);
    // Every step asked once, except the one in flight when the worker died.
    assert.equal(texts.length, distinct + 1, `${beforeCrash} calls before the crash, ${texts.length - beforeCrash} after, ${distinct} distinct`);
    await sleep(1_000);
    assert.equal(rig.sent().length, 1, 'exactly one result');
    assert.match(rig.sent()[0]?.text ?? '', /^\*\*Résumé court — long-note\.md\*\*/);
    await kill(second, 'SIGTERM');
  });

  it('cancels a job running in the worker process from the bot process (annule): it stops, nothing is posted', async () => {
    server.reset();
    server.onChat(() => ({ delayMs: 1_000, then: { content: '- partiel' } }));
    const worker = await startWorkerChild(rig, server);
    children.push(worker);
    const before = rig.sent().length;
    const id = await rig.enqueue({ kind: 'summarise-code', kb: 'legal', code: CODE, part: { type: 'heading', label: 'titre XII' } });
    await waitFor(async () => (await rig.queues.work.get(id))?.state === 'active' && chatRequests(server).length >= 1, 'the job to reach the model', 20_000);
    await rig.app.jobs.cancel(id, REQUESTER.userHash, false);
    await waitFor(async () => (await rig.queues.work.get(id))?.state === 'cancelled', 'the cancellation', 10_000);
    const requests = chatRequests(server).length;
    await sleep(2_500);
    assert.equal(chatRequests(server).length, requests, 'no model call after the cancellation');
    assert.equal(rig.sent().length, before, 'neither a result nor a failure message');
    assert.deepEqual(await rig.app.jobs.list(REQUESTER.userHash), []);
    await kill(worker, 'SIGTERM');
  });
});
