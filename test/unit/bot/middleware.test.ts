import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createLogger } from '../../../bots/logger.ts';
import { inputGuard } from '../../../bots/middleware/input-guard.ts';
import { RateLimitStage } from '../../../bots/middleware/rate-limit.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
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
    let store: SqliteStateStore;
    let now: number;
    const clock = () => new Date(now);
    beforeEach(() => {
      store = new SqliteStateStore(':memory:');
      now = Date.UTC(2026, 2, 2, 13, 0, 0);
    });
    afterEach(() => store.close());

    const released: IncomingMessage[] = [];
    const stageOf = async (perMinute: number, maxHeld?: number) => {
      const stage = new RateLimitStage(store, silentLogger, { perMinute, now: clock, ...(maxHeld ? { maxHeld } : {}) });
      released.length = 0;
      await stage.start(async (incoming) => {
        released.push(incoming);
      });
      return stage;
    };

    it('holds the questions beyond N a minute instead of dropping them, says so once with the time, and releases them in order when due', async () => {
      const stage = await stageOf(3);
      const channel = new RecordingChannel();
      const results: boolean[] = [];
      const questions = Array.from({ length: 6 }, (_, i) => message(`question ${i}`));
      for (const question of questions) {
        results.push(await stage.handle(turnOf(channel, question)));
        now += 1_000;
      }
      stage.stop();
      assert.deepEqual(results, [true, true, true, false, false, false]);
      // 14:00:00, 14:00:01, 14:00:02 let through: the 4th is due at 14:01:00 (Paris), told once.
      assert.deepEqual(channel.sent.map((entry) => entry.reply.text), [say.questionQueued(3, new Date(Date.UTC(2026, 2, 2, 13, 1, 0)), new Date(Date.UTC(2026, 2, 2, 13, 0, 3)))]);
      assert.match(channel.sent[0]!.reply.text, /file d’attente.*vers 14 h 01 \(dans 57 secondes environ\)/);
      assert.equal(await stage.start(async (incoming) => {
        released.push(incoming);
      }), 0, 'nothing is due yet');
      now = Date.UTC(2026, 2, 2, 13, 1, 0);
      assert.equal(await stage.releaseDue(), 1);
      now = Date.UTC(2026, 2, 2, 13, 1, 2);
      assert.equal(await stage.releaseDue(), 2);
      assert.deepEqual(released.map((incoming) => incoming.text), ['question 3', 'question 4', 'question 5']);
      assert.equal(await stage.releaseDue(), 0, 'each held question is released once');
      stage.stop();
    });

    it('a released question passes, and new questions queue behind the held ones', async () => {
      const stage = await stageOf(1);
      const channel = new RecordingChannel();
      assert.equal(await stage.handle(turnOf(channel, message('a'))), true);
      assert.equal(await stage.handle(turnOf(channel, message('b'))), false);
      assert.equal(await stage.handle(turnOf(channel, message('c'))), false);
      assert.equal(channel.sent.length, 1, 'told once per burst');
      now += 60_000;
      await stage.releaseDue();
      assert.deepEqual(released.map((incoming) => incoming.text), ['b']);
      assert.equal(await stage.handle({ ...turnOf(channel, released[0]!), released: true }), true);
      now += 60_000;
      await stage.releaseDue();
      assert.deepEqual(released.map((incoming) => incoming.text), ['b', 'c']);
      stage.stop();
    });

    it('commands do not count toward the limit and are never held', async () => {
      const stage = await stageOf(1);
      const channel = new RecordingChannel();
      assert.equal(await stage.handle(turnOf(channel, message('question'))), true);
      for (const command of ['aide', 'sources', 'tâches', 'annule 12', 'paramètres', 'paramètres mention non', 'annonce tous Bonjour', '/aide', 'oublie']) {
        assert.equal(await stage.handle(turnOf(channel, message(command))), true, command);
      }
      assert.equal(await stage.handle(turnOf(channel, message('autre question'))), false);
      stage.stop();
    });

    it('counts each user separately', async () => {
      const stage = await stageOf(1);
      const channel = new RecordingChannel();
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u1' } }))), true);
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u2' } }))), true);
      assert.equal(await stage.handle(turnOf(channel, message('a', { sender: { id: 'u1' } }))), false);
      stage.stop();
    });

    it('held questions survive a restart: a new stage on the same store releases them', async () => {
      const first = await stageOf(1);
      const channel = new RecordingChannel();
      await first.handle(turnOf(channel, message('a')));
      await first.handle(turnOf(channel, message('gardée')));
      first.stop();
      now += 61_000;
      const second = await stageOf(1);
      assert.equal(await second.releaseDue(), 0, 'start released it');
      assert.deepEqual(released.map((incoming) => incoming.text), ['gardée']);
      second.stop();
    });

    it('replicas: a held Tchap question is left to the replica holding Tchap; this one releases its Teams ones', async () => {
      const teamsOnly = new RateLimitStage(store, silentLogger, { perMinute: 1, now: clock });
      const channel = new RecordingChannel();
      for (const channelName of ['matrix', 'teams'] as const) {
        await teamsOnly.handle(turnOf(channel, message('a', { channel: channelName })));
        await teamsOnly.handle(turnOf(channel, message(`gardée ${channelName}`, { channel: channelName })));
      }
      now += 61_000;
      const here: string[] = [];
      await teamsOnly.start(async (incoming) => void here.push(incoming.text), (name) => name === 'teams');
      assert.deepEqual(here, ['gardée teams']);
      teamsOnly.stop();
      const holder = new RateLimitStage(store, silentLogger, { perMinute: 1, now: clock });
      const there: string[] = [];
      await holder.start(async (incoming) => void there.push(incoming.text));
      assert.deepEqual(there, ['gardée matrix'], 'released once, by the Tchap holder');
      holder.stop();
    });

    it('refuses, saying so, beyond the questions one user may have waiting', async () => {
      const stage = await stageOf(1, 2);
      const channel = new RecordingChannel();
      for (const text of ['a', 'b', 'c', 'd']) await stage.handle(turnOf(channel, message(text)));
      assert.equal(channel.sent.length, 2);
      assert.equal(channel.sent[1]!.reply.text, say.questionQueueFull(2));
      stage.stop();
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

describe('rate limit on PostgreSQL (held questions scheduled)', function () {
  this.timeout(30_000);
  it('schedules the release of a held question without a store error', async () => {
    const { PostgresStateStore } = await import('../../../state/postgres-state-store.ts');
    const schema = `passerelle_ratelimit_${Math.random().toString(16).slice(2, 10)}`;
    const store = await PostgresStateStore.open({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema });
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const stage = new RateLimitStage(store, logger, { perMinute: 1 });
    try {
      await stage.start(async () => undefined);
      const channel = new RecordingChannel();
      await stage.handle(turnOf(channel, message('a')));
      assert.equal(await stage.handle(turnOf(channel, message('b'))), false);
      assert.deepEqual(warnings, []);
    } finally {
      stage.stop();
      const pg = (await import('pg')).default;
      const admin = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
      await store.close();
    }
  });
});
