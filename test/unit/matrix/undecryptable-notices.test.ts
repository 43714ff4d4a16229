import assert from 'node:assert/strict';
import type { MatrixEvent } from 'matrix-js-sdk';
import { silentLogger } from '../../../bots/logger.ts';
import type { InboundSink } from '../../../bots/inbound-event.ts';
import type { MatrixReference } from '../../../adapters/matrix/reference.ts';
import { UndecryptableNotices } from '../../../adapters/matrix/undecryptable-notices.ts';

function fakeEvent(id: string, session: string, options: { reason?: string; thread?: string; failing?: () => boolean } = {}): MatrixEvent {
  return {
    getId: () => id,
    decryptionFailureReason: options.reason ?? 'MEGOLM_UNKNOWN_INBOUND_SESSION_ID',
    isDecryptionFailure: options.failing ?? (() => true),
    getWireContent: () => ({ session_id: session, ...(options.thread ? { 'm.relates_to': { rel_type: 'm.thread', event_id: options.thread } } : {}) }),
  } as unknown as MatrixEvent;
}

function memoryState(): Pick<InboundSink, 'firstTime'> {
  const seen = new Set<string>();
  return { firstTime: async (key: string) => (seen.has(key) ? false : (seen.add(key), true)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('matrix: undecryptable notices', () => {
  it('sends one notice per session in a direct chat, after the grace period', async () => {
    const sent: MatrixReference[] = [];
    const notices = new UndecryptableNotices(memoryState(), async (reference) => void sent.push(reference), { graceMs: 5, roomCooldownMs: 60_000 }, silentLogger);
    notices.report(fakeEvent('$1', 'S'), '!dm', true);
    notices.report(fakeEvent('$2', 'S'), '!dm', true);
    notices.report(fakeEvent('$3', 'T'), '!dm', true);
    await settle();
    assert.deepEqual(sent, [{ roomId: '!dm', isDirect: true, replyToEventId: '$1' }, { roomId: '!dm', isDirect: true, replyToEventId: '$3' }]);
  });

  it('stays silent when the keys arrive during the grace period, and for history', async () => {
    const sent: MatrixReference[] = [];
    const notices = new UndecryptableNotices(memoryState(), async (reference) => void sent.push(reference), { graceMs: 5, roomCooldownMs: 60_000 }, silentLogger);
    notices.report(fakeEvent('$1', 'S', { failing: () => false }), '!dm', true);
    notices.report(fakeEvent('$2', 'H', { reason: 'HISTORICAL_MESSAGE_USER_NOT_JOINED' }), '!dm', true);
    await settle();
    assert.deepEqual(sent, []);
  });

  it('in a shared room, answers in a thread and at most once per cooldown', async () => {
    const sent: MatrixReference[] = [];
    const notices = new UndecryptableNotices(memoryState(), async (reference) => void sent.push(reference), { graceMs: 5, roomCooldownMs: 60_000 }, silentLogger);
    notices.report(fakeEvent('$1', 'S', { thread: '$root' }), '!room', false);
    notices.report(fakeEvent('$2', 'T'), '!room', false);
    await settle();
    assert.deepEqual(sent, [{ roomId: '!room', isDirect: false, replyToEventId: '$1', threadRootId: '$root' }]);
    notices.clear();
  });
});
