import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChannelAdapter } from '../../../bots/channel-adapter.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import type { ConversationAddress } from '../../../bots/message.ts';
import { SqliteAnnouncementStore } from '../../../state/announcement-store-sqlite.ts';
import { startHarness, type Harness } from '../bot/harness.ts';
import { matrixReference } from './rig.ts';

/**
 * A Tchap-like channel: a send takes a while on the wire; stopping the channel (its connection) while a send
 * is under way makes that send fail, as the Matrix adapter's sends did once the client was stopped.
 */
class DisconnectingChannel implements ChannelAdapter {
  readonly name = 'matrix' as const;
  readonly idempotentSends = true;
  sendsStarted = 0;
  private connected = true;
  private readonly inFlight = new Set<() => void>();
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.connected = false;
    for (const abort of this.inFlight) abort();
  }
  async update(): Promise<void> {}
  async send(_address: ConversationAddress): Promise<string> {
    this.sendsStarted += 1;
    if (!this.connected) throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'matrix' });
    return new Promise((resolve, reject) => {
      const abort = (): void => reject(new Error('connection closed under the send'));
      this.inFlight.add(abort);
      setTimeout(() => {
        this.inFlight.delete(abort);
        resolve('$sent');
      }, 300);
    });
  }
}

describe('announcements: shutdown order', function () {
  this.timeout(30_000);
  let harness: Harness;
  after(async () => harness?.close().catch(() => undefined));

  it('the fan-out stops before the channel: a send under way at shutdown ends sent, not failed', async () => {
    harness = await startHarness({ ingest: false, botOverrides: { announcements: { channels: ['matrix'] } } });
    const channel = new DisconnectingChannel();
    harness.app.bot.register(channel);
    await harness.app.state.saveReference(matrixReference(1));
    harness.app.startJobs();
    const { announcement } = await harness.app.announcements.service.submit({ to: 'tous', markdown: 'Coupure ce soir.', createdBy: 'api', origin: 'api' });
    const deadline = Date.now() + 15_000;
    while (channel.sendsStarted === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(channel.sendsStarted, 1, 'the send is under way');
    await harness.app.close();
    const store = new SqliteAnnouncementStore(join(harness.config.dataDir, 'state.sqlite'));
    try {
      const [row] = await store.listRecipients(announcement.id);
      assert.equal(row?.status, 'sent', `${row?.status}: ${row?.reason}`);
    } finally {
      await store.close();
    }
  });
});
