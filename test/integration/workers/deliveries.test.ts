import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PasserelleError } from '../../../bots/errors.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { ConversationAddress } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';
import { createDeliveryProcessor } from '../../../bots/outbound/delivery-processor.ts';
import type { DeliveryJob } from '../../../queue/jobs.ts';
import { message, RecordingChannel } from '../bot/harness.ts';
import { waitFor } from './redis-helpers.ts';
import { ADDRESS, startRig, type Rig } from './worker-rig.ts';

/**
 * The deliveries path (bot side): results sent once even when the channel fails and the delivery is
 * retried, a refusal by the channel not retried, a failed progress edit ignored, and the edits of the
 * acknowledgement applied in order even when the channel is slow and deliveries run concurrently.
 */

/** A channel whose calls take time (a slow Teams or Matrix), and that can fail on demand. */
class SlowChannel extends RecordingChannel {
  failures: Array<{ when: (reply: Reply) => boolean; error: Error }> = [];
  delay: (reply: Reply) => number = () => 0;

  override async send(address: ConversationAddress, reply: Reply): Promise<string> {
    await sleep(this.delay(reply));
    this.fail(reply);
    return super.send(address, reply);
  }

  override async update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    await sleep(this.delay(reply));
    this.fail(reply);
    return super.update(address, messageId, reply);
  }

  private fail(reply: Reply): void {
    const index = this.failures.findIndex((failure) => failure.when(reply));
    if (index >= 0) throw this.failures.splice(index, 1)[0]!.error;
  }
}

const reply = (kind: Reply['kind'], text: string): DeliveryJob['reply'] => ({ kind, text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false });

for (const durable of [true, false]) {
  describe(`deliveries (${durable ? 'bull' : 'in-process'} queue)`, function () {
    this.timeout(30_000);
    let rig: Rig;
    let channel: SlowChannel;
    const deliver = (id: string, job: Omit<DeliveryJob, 'address' | 'channel' | 'jobId'>) =>
      rig.queues.deliveries.add({ address: ADDRESS, channel: 'teams', jobId: 'j', ...job }, { jobId: id, attempts: 3, backoffMs: 50 });

    before(async () => {
      rig = await startRig({ redis: durable });
      channel = new SlowChannel('teams');
      rig.app.bot.register(channel);
    });
    after(async () => rig.close());
    beforeEach(() => {
      channel.sent.length = 0;
      channel.updates.length = 0;
      channel.failures = [];
      channel.delay = () => 0;
    });

    it('retries a result the channel could not take, and posts it once', async () => {
      channel.failures.push({ when: () => true, error: new PasserelleError('CHANNEL_UNAVAILABLE') });
      await deliver('d-retry:result', { action: 'send', reply: reply('answer', 'Le résumé.') });
      await waitFor(() => channel.sent.length === 1, 'the result after a retry');
      await sleep(300);
      assert.deepEqual(channel.sent.map((entry) => entry.reply.text), ['Le résumé.']);
      assert.equal((await rig.queues.deliveries.get('d-retry:result'))?.attemptsMade, 1);
    });

    it('does not post again a delivery already recorded as done (a delivery job run twice)', async () => {
      await deliver('d-twice:result', { action: 'send', reply: reply('answer', 'Une fois.') });
      await waitFor(() => channel.sent.length === 1, 'the result');
      await waitFor(async () => (await rig.queues.deliveries.get('d-twice:result'))?.state === 'completed', 'completion');
      // The same delivery run again after the queue forgot it (removed when old, or a re-run): the state store knows.
      const processor = createDeliveryProcessor(rig.app.outbound, rig.app.state, silentLogger);
      await processor({ action: 'send', address: ADDRESS, channel: 'teams', jobId: 'j', reply: reply('answer', 'Une fois.') }, { id: 'd-twice:result', createdAt: 0, attempt: 1, signal: new AbortController().signal, reportProgress: async () => undefined });
      assert.equal(channel.sent.length, 1);
    });

    it('does not retry a delivery the channel refuses for good (recipient gone)', async () => {
      channel.failures.push({ when: () => true, error: new PasserelleError('RECIPIENT_UNREACHABLE') });
      await deliver('d-gone:result', { action: 'send', reply: reply('answer', 'Perdu.') });
      await waitFor(async () => (await rig.queues.deliveries.get('d-gone:result'))?.state === 'failed', 'failure');
      await sleep(300);
      assert.equal(channel.sent.length, 0);
      assert.equal((await rig.queues.deliveries.get('d-gone:result'))?.attemptsMade, 1);
    });

    it('ignores a progress edit that fails (the result comes as its own message)', async () => {
      channel.failures.push({ when: () => true, error: new Error('message deleted') });
      await deliver('d-edit:progress-0', { action: 'update', messageId: 'ack-x', reply: reply('progress', '⏳ 0 %') });
      await waitFor(async () => (await rig.queues.deliveries.get('d-edit:progress-0'))?.state === 'completed', 'completion');
      assert.equal(channel.updates.length, 0);
    });

    it('leaves the acknowledgement showing « terminée » when the channel is slow on earlier edits', async () => {
      // The « enregistrée » edit and the « 0 % » edit are slow; the job itself is fast.
      channel.delay = (sent) => (sent.kind === 'progress' && /⏳|enregistrée/.test(sent.text) ? 150 : 5);
      const before = channel.sent.length;
      await rig.app.bot.handle(message('résume les articles 60 à 60-3', { conversation: { key: `teams:order-${durable}`, reference: {} } }));
      const ack = channel.sent.slice(before).find((entry) => entry.reply.kind === 'progress')?.id;
      assert.ok(ack);
      await waitFor(() => channel.sent.some((entry) => entry.reply.kind === 'answer'), 'the result');
      await sleep(600);
      const edits = channel.updates.filter((entry) => entry.id === ack).map((entry) => entry.reply.text);
      assert.match(edits.at(-1) ?? '', /^✅ Tâche res-code-[0-9a-f]+ terminée\.$/, `edits in arrival order: ${JSON.stringify(edits)}`);
      assert.match(edits[0] ?? '', /^🕑 Tâche res-code-[0-9a-f]+ enregistrée/, 'the registration comes first');
    });

    it('a Tchap delivery taken by a replica without the Tchap connection is forwarded to the holder’s queue and sent there, once', async () => {
      await rig.queues.deliveries.add({ address: ADDRESS, channel: 'matrix', jobId: 'j', action: 'send', reply: reply('answer', 'Pour Tchap.') }, { jobId: 'd-tchap:result', attempts: 3, backoffMs: 50 });
      await waitFor(async () => (await rig.queues.deliveries.get('d-tchap:result'))?.state === 'completed', 'the delivery taken here');
      await waitFor(async () => (await rig.queues.tchapDeliveries.get('d-tchap:result')) !== undefined, 'the delivery forwarded under the same id');
      assert.equal(channel.sent.length, 0);
      // This process takes the Tchap connection (the lease): it consumes the forwarded deliveries.
      const matrix = new RecordingChannel('matrix');
      rig.app.bot.register(matrix);
      rig.app.startChannelJobs('matrix');
      await waitFor(() => matrix.sent.length === 1, 'the Tchap delivery sent by the holder');
      await sleep(300);
      assert.deepEqual(matrix.sent.map((entry) => entry.reply.text), ['Pour Tchap.']);
    });
  });
}
