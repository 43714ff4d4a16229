import assert from 'node:assert/strict';
import { Bot } from '../../../bots/bot.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { Outbound } from '../../../bots/outbound/outbound.ts';
import { Pipeline, type Stage } from '../../../bots/pipeline.ts';
import { errorReply, progress, type Reply } from '../../../bots/reply.ts';
import { message, RecordingChannel } from '../../integration/bot/harness.ts';

/** The AI notice a turn owes rides in its first reply that is not progress; otherwise it goes alone, last. */
describe('bot: a notice owed by a turn', () => {
  const NOTICE = 'ℹ️ Avis';
  const answer = (text: string): Reply => ({ kind: 'answer', text, citations: [], suggestedActions: [], aiGenerated: true, feedback: true });

  function botWith(stage: Stage['handle'], streaming = false): { bot: Bot; channel: RecordingChannel } {
    const channel = new RecordingChannel();
    channel.streaming = streaming;
    const outbound = new Outbound({ deactivateReference: async () => undefined }, silentLogger);
    const bot = new Bot(new Pipeline([{ name: 'owe', handle: async (turn) => (turn.carryNotice(NOTICE), true) }, { name: 'reply', handle: stage }], silentLogger), outbound, {} as never, silentLogger, 'secret-secret');
    bot.register(channel);
    return { bot, channel };
  }

  it('goes inside the first answer, after its text, once', async () => {
    const { bot, channel } = botWith(async (turn) => {
      await turn.reply(answer('Réponse [1].'));
      await turn.reply(answer('Suite.'));
      return true;
    });
    await bot.handle(message('question'));
    assert.deepEqual(channel.sent.map((entry) => entry.reply.text), [`Réponse [1].\n\n${NOTICE}`, 'Suite.']);
  });

  it('skips progress messages and goes into the final message of a stream', async () => {
    const { bot, channel } = botWith(async (turn) => {
      await turn.reply(progress('Je cherche…'));
      const stream = await turn.stream(progress('…'));
      await stream!.update(answer('Répon'));
      await stream!.finish(errorReply('Le modèle ne répond pas.'));
      return true;
    }, true);
    await bot.handle(message('question'));
    assert.equal(channel.sent[0]?.reply.text, 'Je cherche…');
    assert.deepEqual(channel.updates.map((entry) => entry.reply.text), ['Répon', `Le modèle ne répond pas.\n\n${NOTICE}`]);
  });

  it('goes into the answer that replaces a placeholder of the turn (slow model, no streaming)', async () => {
    const { bot, channel } = botWith(async (turn) => {
      const shown = await turn.reply(progress('Je rédige la réponse…'));
      await turn.edit(shown, answer('Réponse [1].'));
      return true;
    });
    await bot.handle(message('question'));
    assert.deepEqual(channel.sent.map((entry) => entry.reply.text), ['Je rédige la réponse…']);
    assert.deepEqual(channel.updates.map((entry) => entry.reply.text), [`Réponse [1].\n\n${NOTICE}`]);
  });

  it('is sent alone at the end of a turn that sent nothing else (or only progress)', async () => {
    const { bot, channel } = botWith(async (turn) => {
      await turn.reply(progress('Résumé en cours…'));
      return true;
    });
    await bot.handle(message('résume'));
    assert.deepEqual(channel.sent.map((entry) => [entry.reply.kind, entry.reply.text]), [['progress', 'Résumé en cours…'], ['notice', NOTICE]]);
  });
});
