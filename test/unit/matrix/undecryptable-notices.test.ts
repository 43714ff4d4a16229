import assert from 'node:assert/strict';
import type { MatrixEvent } from 'matrix-js-sdk';
import { silentLogger } from '../../../bots/logger.ts';
import type { InboundSink } from '../../../bots/inbound-event.ts';
import type { MatrixReference } from '../../../adapters/matrix/reference.ts';
import { UndecryptableNotices } from '../../../adapters/matrix/undecryptable-notices.ts';

function fakeEvent(id: string, session: string, options: { reason?: string; thread?: string; failing?: () => boolean; sender?: string; device?: string } = {}): MatrixEvent {
  return {
    getId: () => id,
    getSender: () => options.sender ?? '@agent:test',
    decryptionFailureReason: options.reason ?? 'MEGOLM_UNKNOWN_INBOUND_SESSION_ID',
    isDecryptionFailure: options.failing ?? (() => true),
    getWireContent: () => ({ session_id: session, device_id: options.device ?? 'DEV', ...(options.thread ? { 'm.relates_to': { rel_type: 'm.thread', event_id: options.thread } } : {}) }),
  } as unknown as MatrixEvent;
}

function memoryState(): Pick<InboundSink, 'firstTime'> {
  const seen = new Set<string>();
  return { firstTime: async (key: string) => (seen.has(key) ? false : (seen.add(key), true)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const OPTIONS = { graceMs: 5, roomCooldownMs: 60_000, senderCooldownMs: 60_000 };

/** Notices whose notified references land in `sent`, every count in `counted`. */
function rig() {
  const sent: MatrixReference[] = [];
  const counted: Array<{ eventId: string | undefined; notify: boolean; recovered?: boolean }> = [];
  const notices = new UndecryptableNotices(
    memoryState(),
    async (reference, outcome) => {
      counted.push({ eventId: reference.replyToEventId, ...outcome });
      if (outcome.notify) sent.push(reference);
    },
    OPTIONS,
    silentLogger,
  );
  return { sent, counted, notices };
}

describe('matrix: undecryptable notices', () => {
  it('sends one notice per session in a direct chat, after the grace period', async () => {
    const { sent, counted, notices } = rig();
    notices.report(fakeEvent('$1', 'S'), '!dm', true);
    notices.report(fakeEvent('$2', 'S'), '!dm', true);
    notices.report(fakeEvent('$3', 'T', { device: 'OTHER' }), '!dm', true);
    await settle();
    assert.deepEqual(sent, [{ roomId: '!dm', isDirect: true, replyToEventId: '$1' }, { roomId: '!dm', isDirect: true, replyToEventId: '$3' }]);
    assert.equal(counted.length, 3, 'every failure is counted');
  });

  it('tells a sender device once per cooldown, even across sessions', async () => {
    const { sent, counted, notices } = rig();
    notices.report(fakeEvent('$1', 'S'), '!dm', true);
    notices.report(fakeEvent('$2', 'S'), '!dm', true);
    notices.report(fakeEvent('$3', 'T'), '!dm', true);
    await settle();
    assert.deepEqual(sent.map((reference) => reference.replyToEventId), ['$1']);
    assert.deepEqual(counted.map((entry) => entry.notify), [true, false, false]);
  });

  it('counts a failed event as recovered when its keys arrive later, and only such events', async () => {
    const { counted, notices } = rig();
    const late = fakeEvent('$1', 'S');
    notices.report(late, '!dm', true);
    await settle();
    notices.recovered(late);
    notices.recovered(late);
    notices.recovered(fakeEvent('$never-failed', 'X'));
    await settle();
    assert.deepEqual(counted, [{ eventId: '$1', notify: true }, { eventId: '$1', notify: false, recovered: true }]);
  });

  it('stays silent when the keys arrive during the grace period, and for history', async () => {
    const { counted, notices } = rig();
    notices.report(fakeEvent('$1', 'S', { failing: () => false }), '!dm', true);
    notices.report(fakeEvent('$2', 'H', { reason: 'HISTORICAL_MESSAGE_USER_NOT_JOINED' }), '!dm', true);
    await settle();
    assert.deepEqual(counted, [], 'neither told nor counted');
  });

  it('in a shared room, answers in a thread and at most once per cooldown', async () => {
    const { sent, notices } = rig();
    notices.report(fakeEvent('$1', 'S', { thread: '$root' }), '!room', false);
    notices.report(fakeEvent('$2', 'T', { sender: '@other:test' }), '!room', false);
    await settle();
    assert.deepEqual(sent, [{ roomId: '!room', isDirect: false, replyToEventId: '$1', threadRootId: '$root' }]);
    notices.clear();
  });
});
