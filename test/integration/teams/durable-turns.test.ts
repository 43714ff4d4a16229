import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InboundHandler } from '../../../adapters/teams/inbound-handler.ts';
import { DurableTurns } from '../../../bots/durable-turns.ts';
import type { InboundEvent, InboundSink, InboundTurns } from '../../../bots/inbound-event.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { SqliteTurnJournal } from '../../../state/turn-journal-sqlite.ts';
import type { TurnJournal } from '../../../state/turn-journal.ts';
import * as A from '../../unit/teams/activities.ts';

/**
 * Durable Teams turns (bots/durable-turns.ts with the Teams inbound handler, on a real SQLite journal shared
 * by two "replicas" of one machine): a message is in the journal before Teams gets its 200; the replica that
 * took it dies before answering (its handling never ends, its claims are never renewed); the other replica
 * finds it once the claim expired and answers it, exactly once.
 */
const SERVICE = 'https://smba.example.test/emea/';
const TIMINGS = { ttlMs: 400, renewEveryMs: 100, sweepEveryMs: 100, maxAttempts: 3 };

interface Replica {
  handler: InboundHandler;
  turns: DurableTurns;
  journal: TurnJournal;
  received: string[];
}

describe('durable Teams turns: no question lost when a replica dies', function () {
  this.timeout(30_000);
  let dir: string;
  const replicas: Replica[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-turns-'));
  });
  afterEach(async () => {
    for (const replica of replicas.splice(0)) {
      await replica.turns.stop();
      await replica.journal.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** A replica: the Teams inbound handler over a core sink that records questions; `hang` never answers. */
  const replica = (owner: string, options: { hang?: boolean; journal?: TurnJournal } = {}): Replica => {
    const journal = options.journal ?? new SqliteTurnJournal(join(dir, 'state.sqlite'));
    const turns = new DurableTurns(journal, { owner, ...TIMINGS }, silentLogger);
    const received: string[] = [];
    const sink: InboundSink & { turns: InboundTurns } = {
      async receive(event: InboundEvent) {
        if (event.kind === 'message') {
          received.push(event.message.text);
          if (options.hang) await new Promise(() => undefined); // killed before answering
        }
        return { recorded: true };
      },
      knowsConversation: async () => false,
      firstTime: async () => true,
      turns,
    };
    const handler = new InboundHandler({ logger: silentLogger });
    handler.attach(sink);
    const made = { handler, turns, journal, received };
    replicas.push(made);
    return made;
  };
  const pending = async (journal: TurnJournal) => (await journal.claimExpired(['teams'], 'probe', 60_000, 100, 99)).claimed;
  const waitUntil = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  };

  it('the message is recorded before the 200 and marked done once answered', async () => {
    const a = replica('host:1:a');
    const result = await a.handler.handle(A.personalMessage(SERVICE, 'Quel est le délai ?'));
    assert.equal(result.status, 200);
    await a.handler.idle();
    assert.deepEqual(a.received, ['Quel est le délai ?']);
    await sleep(TIMINGS.ttlMs + 100);
    assert.deepEqual(await pending(a.journal), [], 'done: never handed to another replica');
  });

  it('a replica that dies before answering: another replica answers the message once its claim expired, exactly once', async () => {
    const dead = replica('host:1:dead', { hang: true });
    const survivor = replica('host:2:alive');
    const activity = A.personalMessage(SERVICE, 'Qui peut exiger les documents ?');
    assert.equal((await dead.handler.handle(activity)).status, 200);
    // What Teams holds now is a 200: the journal has the message, claimed by the dead replica.
    survivor.turns.start();
    await waitUntil(() => survivor.received.length === 1, 'the survivor to answer the recovered message');
    assert.deepEqual(survivor.received, ['Qui peut exiger les documents ?']);
    await sleep(TIMINGS.ttlMs * 3); // a second claim, if any, would show now
    assert.equal(survivor.received.length, 1, 'answered once');
    assert.deepEqual(await pending(survivor.journal), []);
  });

  it('a message Teams delivers twice is handled once, by whichever replica recorded it', async () => {
    const a = replica('host:1:a');
    const b = replica('host:2:b');
    const activity = A.personalMessage(SERVICE, 'Bonjour');
    assert.equal((await a.handler.handle(activity)).status, 200);
    assert.equal((await b.handler.handle(activity)).status, 200);
    await a.handler.idle();
    await b.handler.idle();
    assert.deepEqual([a.received.length, b.received.length], [1, 0]);
  });

  it('a journal that cannot be written does not lose the message: this replica answers it', async () => {
    const broken: TurnJournal = {
      record: async () => { throw new Error('database down'); },
      renew: async () => undefined,
      finish: async () => undefined,
      claimExpired: async () => ({ claimed: [], abandoned: [] }),
      purge: async () => 0,
      close: async () => undefined,
    };
    const a = replica('host:1:a', { journal: broken });
    assert.equal((await a.handler.handle(A.personalMessage(SERVICE, 'Encore une question'))).status, 200);
    await a.handler.idle();
    assert.deepEqual(a.received, ['Encore une question']);
  });
});
