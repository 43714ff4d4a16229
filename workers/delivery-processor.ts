import type { Bot } from '../bots/bot.ts';
import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { StateStore } from '../bots/state/state-store.ts';
import { PermanentJobError, type Processor } from './job-queue.ts';
import { DeliveryJob } from './jobs.ts';

/**
 * Runs in the bot process — the one that owns the channel connections — and sends what workers produced
 * through the adapters' one outgoing path. A delivery is recorded as done after the channel accepted it,
 * and skipped if already recorded, so a retried or re-run delivery job does not post twice.
 */
export function createDeliveryProcessor(bot: Bot, state: StateStore, logger: Logger, ttlMs = 7 * 86_400_000): Processor<DeliveryJob> {
  return async (raw, context) => {
    const parsed = DeliveryJob.safeParse(raw);
    if (!parsed.success) throw new PermanentJobError(`invalid delivery: ${parsed.error.message}`, '');
    const delivery = parsed.data;
    const doneKey = `delivered:${context.id}`;
    if (await state.cacheGet(doneKey)) return;
    const adapter = bot.adapter(delivery.channel);
    const reply = { ...delivery.reply, citations: delivery.reply.citations };
    try {
      if (delivery.action === 'update' && delivery.messageId) await adapter.update(delivery.address, delivery.messageId, reply);
      else await adapter.send(delivery.address, reply);
    } catch (error) {
      if (error instanceof PasserelleError && !error.retryable) {
        logger.warn('delivery refused by the channel', { delivery: context.id, code: error.code });
        throw new PermanentJobError(error.message, error.userMessage);
      }
      if (delivery.action === 'update') {
        // A progress edit that fails is not worth retrying: the final result comes as its own message.
        logger.debug('progress update failed', { delivery: context.id, error });
        return;
      }
      throw error;
    }
    await state.cacheSet(doneKey, '1', ttlMs);
  };
}
