import { PasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import type { Outbound } from './outbound.ts';
import type { Cache } from '../../state/state-store.ts';
import type { Processor } from '../../queue/job-queue.ts';
import { DeliveryJob, FINAL_EDIT } from '../../queue/jobs.ts';

/**
 * Runs in the bot process — the one that owns the channel connections — and sends what workers produced
 * through the one outbound path. A delivery is recorded as done after the channel accepted it,
 * and skipped if already recorded, so a retried or re-run delivery job does not post twice.
 *
 * Deliveries run concurrently, so two edits of one progress message may be in flight together: the edits
 * of a message are applied one after the other, and one older (by `sequence`) than an edit already shown
 * is skipped — a slow « 0 % » never lands over « terminée ». (Per process: with several replicas, two edits
 * of one message taken by two replicas are not ordered; the result itself always comes as its own message.)
 *
 * Any replica consumes the deliveries queue. A delivery for a channel this process does not hold (Tchap on
 * a replica without the Tchap lease) is handed to `forward` (the queue of the replica that holds it) under
 * the same id, instead of being sent.
 */

/** Hands a delivery over to the process that holds its channel. */
export type ForwardDelivery = (delivery: DeliveryJob, jobId: string) => Promise<void>;
const MAX_TRACKED_MESSAGES = 10_000;

export function createDeliveryProcessor(outbound: Outbound, state: Pick<Cache, 'cacheGet' | 'cacheSet'>, logger: Logger, ttlMs = 7 * 86_400_000, forward?: ForwardDelivery): Processor<DeliveryJob> {
  const edits = new Map<string, { chain: Promise<void>; shown: number }>();

  const inOrder = async (delivery: DeliveryJob, apply: () => Promise<void>): Promise<void> => {
    const sequence = delivery.sequence;
    if (delivery.action !== 'update' || !delivery.messageId || sequence === undefined) return apply();
    const key = `${delivery.channel}\u0000${delivery.address.key}\u0000${delivery.messageId}`;
    let entry = edits.get(key);
    if (!entry) {
      if (edits.size >= MAX_TRACKED_MESSAGES) edits.delete(edits.keys().next().value as string);
      entry = { chain: Promise.resolve(), shown: -1 };
      edits.set(key, entry);
    }
    const tracked = entry;
    const run = tracked.chain.then(async () => {
      if (sequence <= tracked.shown) return;
      await apply();
      tracked.shown = sequence;
    });
    tracked.chain = run.catch(() => undefined);
    await run;
    if (sequence >= FINAL_EDIT) void tracked.chain.then(() => edits.get(key) === tracked && tracked.shown >= FINAL_EDIT && edits.delete(key));
  };

  return async (raw, context) => {
    const parsed = DeliveryJob.safeParse(raw);
    if (!parsed.success) throw new PasserelleError('JOB_INVALID', {}, { cause: new Error(`invalid delivery: ${parsed.error.message}`) });
    const delivery = parsed.data;
    const doneKey = `delivered:${context.id}`;
    const count = (outcome: 'delivered' | 'duplicate' | 'refused' | 'failed' | 'forwarded') => metrics.deliveries.inc({ channel: delivery.channel, action: delivery.action, outcome });
    if (await state.cacheGet(doneKey)) return count('duplicate');
    if (forward && delivery.channel !== 'local' && !outbound.channel(delivery.channel)) {
      await forward(delivery, context.id);
      return count('forwarded');
    }
    const reply = { ...delivery.reply, citations: delivery.reply.citations };
    try {
      await inOrder(delivery, async () => {
        if (delivery.action === 'update' && delivery.messageId) await outbound.update(delivery.channel, delivery.address, delivery.messageId, reply);
        else await outbound.send(delivery.channel, delivery.address, reply);
      });
    } catch (error) {
      if (error instanceof PasserelleError && !error.retryable) {
        logger.warn('delivery refused by the channel', { delivery: context.id, code: error.code });
        count('refused');
        throw error; // not retryable: the queue gives up at once
      }
      if (delivery.action === 'update') {
        // A progress edit that fails is not worth retrying: the final result comes as its own message.
        logger.debug('progress update failed', { delivery: context.id, error });
        return count('failed');
      }
      count('failed');
      throw error;
    }
    count('delivered');
    await state.cacheSet(doneKey, '1', ttlMs);
  };
}
