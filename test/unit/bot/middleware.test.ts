import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createLogger } from '../../../bots/logger.ts';
import { inputGuard } from '../../../bots/middleware/input-guard.ts';
import { rateLimit } from '../../../bots/middleware/rate-limit.ts';
import { Pipeline, type Stage, type Turn } from '../../../bots/pipeline.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import { ERROR_CATALOGUE, PasserelleError } from '../../../bots/errors.ts';
import * as say from '../../../bots/user-messages.ts';
import { message, RecordingChannel } from '../../integration/bot/harness.ts';

function turnOf(channel: RecordingChannel, incoming: IncomingMessage): Turn {
  return {
    message: incoming,
    channel,
    reply: (reply) => channel.send(incoming.conversation, reply),
    edit: (messageId, reply) => channel.update(incoming.conversation, messageId, reply),
    stream: (first) => channel.stream(incoming.conversation, first),
    typing: async () => undefined,
    carryNotice: () => undefined,
  };
}

describe('pipeline stages (unit)', () => {
  describe('rate limit', () => {
    it('lets N messages a minute through, warns once on the next, then stays silent until the window passes', async () => {
      let now = 1_000_000;
      const stage = rateLimit(3, () => now);
      const channel = new RecordingChannel();
      const results: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        results.push(await stage.handle(turnOf(channel, message('question'))));
        now += 1_000;
      }
      assert.deepEqual(results, [true, true, true, false, false, false]);
      assert.deepEqual(channel.sent.map((entry) => entry.reply.text), [say.RATE_LIMITED]);
      now += 60_000;
      assert.equal(await stage.handle(turnOf(channel, message('question'))), true);
    });

    it('counts each user separately', async () => {
      const stage = rateLimit(1, () => 5_000_000);
      const channel = new RecordingChannel();
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u1' } }))), true);
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u2' } }))), true);
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u1' } }))), false);
    });
  });

  describe('input guard', () => {
    const guard = inputGuard(4_000);
    const run = async (text: string, attachments: IncomingMessage['attachments'] = []) => {
      const channel = new RecordingChannel();
      const turn = turnOf(channel, message(text, { attachments }));
      const proceed = await guard.handle(turn);
      return { proceed, replies: channel.sent.map((entry) => entry.reply.text), text: turn.message.text };
    };

    for (const [label, text] of [['empty', ''], ['whitespace', ' \n\t  '], ['emoji only', '👍🙂🎉'], ['punctuation', '?!…']] as const) {
      it(`answers an ${label} message with the empty-message notice`, async () => {
        assert.deepEqual(await run(text), { proceed: false, replies: [say.EMPTY_MESSAGE], text });
      });
    }

    it('refuses a 100 KB message, saying how long it is', async () => {
      const result = await run('a'.repeat(100_000));
      assert.equal(result.proceed, false);
      assert.deepEqual(result.replies, [say.messageTooLong(100_000, 4_000)]);
    });

    it('refuses binary junk with NULs', async () => {
      const junk = Buffer.from(Array.from({ length: 600 }, (_, index) => (index * 37) % 7 === 0 ? 0 : (index * 131) % 256)).toString('latin1');
      assert.deepEqual((await run(junk)).replies, [say.UNREADABLE_MESSAGE]);
      assert.deepEqual((await run('\u0000\u0000\u0000abc\u0000\u0000')).replies, [say.UNREADABLE_MESSAGE]);
    });

    it('passes a readable question on, trimmed and without stray control characters', async () => {
      assert.deepEqual(await run('  Que dit l’article 414 ?\u0007  '), { proceed: true, replies: [], text: 'Que dit l’article 414 ?' });
    });

    it('lets an attachment without text through', async () => {
      const result = await run('', [{ name: 'note.pdf', contentType: 'application/pdf', locator: 'x' }]);
      assert.equal(result.proceed, true);
    });
  });

  describe('containment', () => {
    const lines: string[] = [];
    const logger = createLogger('error', (line) => lines.push(line));
    const secret = 'SQLITE_IOERR at /var/lib/passerelle/state.sqlite password=hunter2';
    const order: string[] = [];
    const stage = (name: string, behaviour: () => boolean | never): Stage => ({
      name,
      async handle() {
        order.push(name);
        return behaviour();
      },
    });

    beforeEach(() => {
      lines.length = 0;
      order.length = 0;
    });

    it('runs stages in order and stops at the first that returns false', async () => {
      const pipeline = new Pipeline([stage('a', () => true), stage('b', () => false), stage('c', () => true)], logger);
      assert.deepEqual(pipeline.names, ['a', 'b', 'c']);
      await pipeline.run(turnOf(new RecordingChannel(), message('x')));
      assert.deepEqual(order, ['a', 'b']);
    });

    it('turns a throwing stage into the catalogue’s French message, logs the cause, and never leaks it', async () => {
      const channel = new RecordingChannel();
      const pipeline = new Pipeline([stage('boom', () => { throw new Error(secret); }), stage('after', () => true)], logger);
      await pipeline.run(turnOf(channel, message('x')));
      assert.deepEqual(order, ['boom']);
      assert.deepEqual(channel.sent.map((entry) => [entry.reply.kind, entry.reply.text]), [['error', ERROR_CATALOGUE.INTERNAL.userMessage]]);
      assert.ok(!JSON.stringify(channel.sent).includes('hunter2'));
      assert.ok(lines.some((line) => line.includes('boom') && line.includes('SQLITE_IOERR')), 'the cause is logged');
    });

    it('uses the catalogue message of a PasserelleError', async () => {
      const channel = new RecordingChannel();
      const pipeline = new Pipeline([stage('store', () => { throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: new Error(secret) }); })], logger);
      await pipeline.run(turnOf(channel, message('x')));
      assert.deepEqual(channel.sent.map((entry) => entry.reply.text), [ERROR_CATALOGUE.STORE_UNAVAILABLE.userMessage]);
    });

    it('stays silent when the failing message was not addressed to the bot', async () => {
      const channel = new RecordingChannel();
      const pipeline = new Pipeline([stage('boom', () => { throw new Error(secret); })], logger);
      await pipeline.run(turnOf(channel, message('x', { addressedToBot: false, isDirect: false })));
      assert.deepEqual(channel.sent, []);
    });

    it('survives a channel that cannot send the error either', async () => {
      const channel = new RecordingChannel();
      channel.send = async () => { throw new Error('channel down'); };
      const pipeline = new Pipeline([stage('boom', () => { throw new Error(secret); })], logger);
      await pipeline.run(turnOf(channel, message('x')));
      assert.ok(lines.some((line) => line.includes('could not report failure')));
    });
  });
});
