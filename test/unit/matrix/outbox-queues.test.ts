import assert from 'node:assert/strict';
import { RateLimiter } from '../../../bots/outbound/rate-limiter.ts';
import { silentLogger } from '../../../bots/logger.ts';

// matrix-js-sdk is loaded through import() only (see test/fakes/homeserver/test-kit.ts).
type Sdk = typeof import('matrix-js-sdk');
type OutboxModule = typeof import('../../../adapters/matrix/outbox.ts');
type QueuesModule = typeof import('../../../adapters/matrix/send-queues.ts');

describe('matrix: outbox typing and per-room send queues', () => {
  let sdk: Sdk;
  let outbox: OutboxModule;
  let queues: QueuesModule;
  before(async () => {
    [sdk, outbox, queues] = await Promise.all([import('matrix-js-sdk'), import('../../../adapters/matrix/outbox.ts'), import('../../../adapters/matrix/send-queues.ts')]);
    if (!process.env.MATRIX_TEST_LOG) ((await import('matrix-js-sdk/lib/logger.js')).logger as unknown as { setLevel(level: string): void }).setLevel('silent');
  });

  it('never drops the withdrawal of "typing…" when the budget is spent: it waits for its turn', async () => {
    const calls: Array<[string, boolean]> = [];
    const client = { sendTyping: async (roomId: string, typing: boolean) => void calls.push([roomId, typing]) };
    const limiter = new RateLimiter({ account: [{ kind: 'bucket', ratePerSecond: 20, burst: 1 }] });
    const box = new outbox.Outbox(client as never, limiter, silentLogger);
    box.typing.start('!a');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, [['!a', true]]);
    assert.equal(limiter.tryAcquire(), false, 'the budget is spent');
    box.typing.stop('!a');
    const deadline = Date.now() + 5_000;
    while (calls.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(calls.at(-1), ['!a', false]);
    box.typing.clear();
  });

  it('announcements’ requests and sends take the bulk lane; everything else the interactive one (issue 20.5)', async () => {
    const lanes: string[] = [];
    const limiter = { acquire: async (scope: { lane?: string } = {}) => void lanes.push(scope.lane ?? 'interactive'), tryAcquire: () => true, pause: () => undefined };
    const client = { sendEvent: async () => ({ event_id: '$e' }), getRoom: () => null, createRoom: async () => ({ room_id: '!r' }) };
    const box = new outbox.Outbox(client as never, limiter as never, silentLogger);
    await box.send({ roomId: '!r', isDirect: true }, { msgtype: 'm.text', body: 'réponse' } as never);
    await box.send({ roomId: '!r', isDirect: true }, { msgtype: 'm.text', body: 'annonce' } as never, { txnId: 't1', lane: 'bulk' });
    await box.request(() => client.createRoom());
    await box.request(() => client.createRoom(), 'bulk');
    assert.deepEqual(lanes, ['interactive', 'bulk', 'interactive', 'bulk']);
  });

  it('a send given up in one room fails only that room’s queued sends', async () => {
    const scheduler = queues.perRoomScheduler();
    const event = (roomId: string, id: string) => new sdk.MatrixEvent({ type: 'm.room.message', room_id: roomId, event_id: id, content: { msgtype: 'm.text', body: id } });
    scheduler.setProcessFunction(async (sent) => {
      if (sent.getRoomId() === '!gone') throw Object.assign(new sdk.MatrixError({ errcode: 'M_FORBIDDEN', error: 'not in room' }, 403), {});
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { event_id: sent.getId() as string };
    });
    const gone = scheduler.queueEvent(event('!gone', '$1'));
    const other = scheduler.queueEvent(event('!other', '$2'));
    const goneAgain = scheduler.queueEvent(event('!gone', '$3'));
    const results = await Promise.allSettled([gone, other, goneAgain]);
    assert.deepEqual(results.map((result) => result.status), ['rejected', 'fulfilled', 'rejected']);
    assert.equal(queues.queueOfEvent(event('!x', '$4')), 'message:!x');
  });
});
