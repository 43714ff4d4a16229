import assert from 'node:assert/strict';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { streamByEditing, type ReplyStream, type SendOptions } from '../../../bots/channel-adapter.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { ConversationAddress } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';
import { message, RecordingChannel, startHarness, type Harness } from './harness.ts';

/**
 * A channel that stores one message per idempotency key (as the homeserver does with transaction ids), shared
 * by the "processes" of a test, and that can freeze: the process then never gets past its next edit, as if
 * it had been killed there.
 */
class IdempotentChannel extends RecordingChannel {
  override readonly idempotentSends = true;
  frozen = false;
  constructor(private readonly byKey: Map<string, string>) {
    super('teams');
    this.streaming = true;
  }
  override async send(address: ConversationAddress, reply: Reply, options?: SendOptions): Promise<string> {
    const known = options?.idempotencyKey ? this.byKey.get(options.idempotencyKey) : undefined;
    if (known) return known;
    const id = await super.send(address, reply);
    if (options?.idempotencyKey) this.byKey.set(options.idempotencyKey, id);
    return id;
  }
  override async stream(address: ConversationAddress, first: Reply, options?: SendOptions): Promise<ReplyStream> {
    return streamByEditing(this, address, first, options);
  }
  override async update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    if (this.frozen) return new Promise(() => {});
    return super.update(address, messageId, reply);
  }
}

describe('bot: the crash window (a message is done only once answered)', function () {
  this.timeout(60_000);
  let harness: Harness;
  let restarted: BotApplication | undefined;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await restarted?.close();
    await harness.close();
  });

  it('a message whose handling died is answered after the restart, in the placeholder it had started', async () => {
    const server = new Map<string, string>();
    const first = new IdempotentChannel(server);
    first.frozen = true;
    harness.app.bot.register(first);
    const incoming = message('Quels sont les pouvoirs de visite des agents des douanes ?', { sender: { id: 'agent-crash@douane.finances.gouv.fr' } });
    void harness.app.bot.handle(incoming);
    const deadline = Date.now() + 20_000;
    while (!first.sent.some((entry) => entry.reply.kind === 'progress')) {
      if (Date.now() > deadline) throw new Error(`no placeholder: ${JSON.stringify(first.sent)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const placeholder = first.sent.find((entry) => entry.reply.kind === 'progress')!.id;

    // "After the restart": a new application on the same data directory, the same channel server.
    restarted = await createBotApplication(harness.config, silentLogger);
    const second = new IdempotentChannel(server);
    restarted.bot.register(second);
    await restarted.bot.handle({ ...incoming });
    assert.equal(second.sent.length, 0, 'nothing new posted: the notice and the placeholder were already there');
    const final = second.updates.at(-1);
    assert.ok(final, 'the redelivered message is answered');
    assert.equal(final.id, placeholder, 'the answer replaces the "Je cherche…" placeholder left by the dead process');
    assert.equal(final.reply.kind, 'answer');

    // Once answered, a further delivery is dropped.
    const updates = second.updates.length;
    await restarted.bot.handle({ ...incoming });
    assert.equal(second.updates.length, updates);
    assert.equal(second.sent.length, 0);
  });
});
