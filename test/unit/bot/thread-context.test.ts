import assert from 'node:assert/strict';
import type { ConversationAddress } from '../../../bots/message.ts';
import type { HistoryEntry } from '../../../bots/channel-adapter.ts';
import { ConversationMemory } from '../../../bots/conversation-memory.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { startsThread, threadContext } from '../../../bots/middleware/thread-context.ts';
import type { Turn } from '../../../bots/pipeline.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import { message, RecordingChannel } from '../../integration/bot/harness.ts';

class ThreadChannel extends RecordingChannel {
  reads = 0;
  constructor(private readonly entries: HistoryEntry[] | Error) {
    super('matrix');
  }
  async history(_address: ConversationAddress, limit: number): Promise<HistoryEntry[]> {
    this.reads++;
    if (this.entries instanceof Error) throw this.entries;
    return this.entries.slice(-limit);
  }
}

describe('thread context (the bot called into an existing thread)', () => {
  let store: SqliteStateStore;
  let memory: ConversationMemory;
  beforeEach(() => {
    store = new SqliteStateStore(':memory:');
    memory = new ConversationMemory(store, 6, 30 * 60_000);
  });
  afterEach(() => store.close());

  const stage = () => threadContext({ memory, seen: store, logger: silentLogger, turns: 6, ttlMs: 30 * 60_000 });
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9, minutes)).toISOString();
  const inThread = (text: string, id = '$call') => message(text, { channel: 'matrix', id, isDirect: false, threadId: '$root', conversation: { key: 'matrix:!r:x:$root', reference: {} } });
  const turnOf = (channel: RecordingChannel, incoming: ReturnType<typeof message>): Turn => ({
    message: incoming, channel, reply: (reply) => channel.send(incoming.conversation, reply), edit: async () => undefined, stream: async () => undefined, typing: async () => undefined, carryNotice: () => undefined,
  });

  it('keeps the thread’s earlier messages (not the bot’s, not the call itself) as turns; a bare invitation asks the thread’s question', async () => {
    const channel = new ThreadChannel([
      { sender: 'Dominique', text: 'Quel est le délai de recours contre une décision de la douane ?', at: at(0), id: '$root' },
      { sender: 'Passerelle', text: 'Réponse du bot [1]', at: at(1), fromBot: true },
      { sender: 'Camille', text: 'Et pour une amende ?', at: at(2), id: '$2' },
      { sender: 'Camille', text: '@Passerelle tu peux répondre ?', at: at(3), id: '$call' },
    ]);
    const turn = turnOf(channel, inThread('tu peux répondre ?'));
    assert.equal(await stage().handle(turn), true);
    assert.deepEqual((await memory.recent('matrix:!r:x:$root')).map((entry) => [entry.role, entry.text]), [
      ['user', 'Quel est le délai de recours contre une décision de la douane ?'],
      ['user', 'Et pour une amende ?'],
    ]);
    assert.equal(turn.message.text, 'Quel est le délai de recours contre une décision de la douane ?\nEt pour une amende ?');
    const again = turnOf(channel, inThread('tu peux répondre ?', '$call-2'));
    await stage().handle(again);
    assert.equal(channel.reads, 1, 'read once: the bot is now in the conversation');
    assert.equal(again.message.text, 'tu peux répondre ?');
  });

  it('a real question keeps its text; a new question rooting its own thread and direct chats read nothing', async () => {
    const channel = new ThreadChannel([{ sender: 'Dominique', text: 'Question du fil', at: at(0), id: '$root' }]);
    const turn = turnOf(channel, inThread('Que dit l’article 414 ?'));
    await stage().handle(turn);
    assert.equal(turn.message.text, 'Que dit l’article 414 ?');
    const fresh = turnOf(channel, message('Question', { channel: 'matrix', id: '$new', threadId: '$new', isDirect: false, conversation: { key: 'matrix:!r:x:$new', reference: {} } }));
    await stage().handle(fresh);
    await stage().handle(turnOf(channel, message('Question', { channel: 'matrix', id: '$dm', isDirect: true })));
    assert.equal(channel.reads, 1);
    assert.equal(startsThread({ id: '19:c;messageid=17|17', threadId: '17' }), true, 'a Teams channel post roots its thread');
    assert.equal(startsThread({ id: '19:c;messageid=17|18', threadId: '17' }), false);
  });

  it('an unreadable history does not stop the answer', async () => {
    const turn = turnOf(new ThreadChannel(new Error('403 history not visible')), inThread(''));
    assert.equal(await stage().handle(turn), true);
    assert.equal(turn.message.text, '');
  });
});
