import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PasserelleCloudAdapter } from '../../adapters/teams/cloud-adapter.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { ConversationAddress } from '../../bots/message.ts';
import { errorReply, notice, progress, type Reply } from '../../bots/reply.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Proactive sends (summaries, announcements) through stored conversation references: the adapter's `send`,
 * against a fake Bot Connector scripted to throttle (429 + Retry-After), fail (5xx), or refuse (403).
 */

const ANNOUNCEMENT: Reply = {
  kind: 'answer',
  text: 'Résumé de la note de service : les contrôles renforcés débutent lundi [1].',
  citations: [{ index: 1, id: 'procedures:NS-12', kb: 'procedures', title: 'Note de service 12', abstract: 'Contrôles renforcés à compter du lundi.' }],
  suggestedActions: [],
  aiGenerated: true,
  feedback: true,
};

describe('e2e: Teams proactive delivery (rate limits, retries, blocked bot)', function () {
  this.timeout(30_000);
  let t: TeamsApp;
  let address: ConversationAddress;
  let conversationId: string;

  before(async () => {
    t = await startTeamsApp();
    const who = freshPersonal();
    conversationId = who.conversation.id;
    await t.connector.deliver(t.botUrl, { ...A.personalInstall(t.connector.serviceUrl), ...who });
    await t.adapter.idle();
    const [stored] = (await t.app.state.listReferences({ channel: 'teams', activeOnly: true })).filter((reference) => reference.key === `teams:${conversationId}`);
    assert.ok(stored, 'reference stored on installation');
    address = { key: stored.key, reference: stored.reference };
  });

  after(async () => {
    await t?.close();
  });

  afterEach(() => sinon.restore());

  const attempts = (since: number) => t.connector.calls.slice(since).filter((call) => call.conversationId === conversationId);

  it('sends through continueConversationAsync on the stored reference, with the full AI entities', async () => {
    const continued = sinon.spy(PasserelleCloudAdapter.prototype, 'continueConversationAsync');
    const since = t.connector.calls.length;
    const id = await t.adapter.send(address, ANNOUNCEMENT);
    assert.match(id, /^activity-\d+$/);
    assert.equal(continued.callCount, 1);
    assert.equal((continued.firstCall.args[1] as { conversation: { id: string } }).conversation.id, conversationId);
    const [call] = attempts(since);
    assert.deepEqual(call?.body.channelData, { feedbackLoopEnabled: true });
    const entity = (call?.body.entities as Array<Record<string, unknown>>)[0];
    assert.deepEqual(entity?.additionalType, ['AIGeneratedContent']);
    assert.deepEqual((entity?.citation as Array<{ appearance: { name: string } }>)[0]?.appearance.name, 'Note de service 12');
  });

  it('honours Retry-After on 429, then delivers', async () => {
    t.connector.failNext({ status: 429, retryAfter: 1 });
    const since = t.connector.calls.length;
    const id = await t.adapter.send(address, notice('Rappel : formation lundi.'));
    assert.match(id, /^activity-\d+$/);
    const [throttled, delivered] = attempts(since);
    assert.equal(throttled?.status, 429);
    assert.equal(delivered?.status, 201);
    const waited = (delivered?.at ?? 0) - (throttled?.at ?? 0);
    assert.ok(waited >= 950 && waited < 2_500, `waited ${waited} ms for Retry-After: 1`);
  });

  it('retries 503, 502 and 412 with backoff, then delivers', async () => {
    t.connector.failNext({ status: 503 }, { status: 502 }, { status: 412 });
    const since = t.connector.calls.length;
    await t.adapter.send(address, notice('Rappel.'));
    assert.deepEqual(attempts(since).map((call) => call.status), [503, 502, 412, 201]);
  });

  it('gives up after the bounded attempts with CHANNEL_UNAVAILABLE (retryable)', async () => {
    t.connector.failNext(...Array.from({ length: 5 }, () => ({ status: 504 })));
    const since = t.connector.calls.length;
    await assert.rejects(t.adapter.send(address, notice('Rappel.')), (error: unknown) => error instanceof PasserelleError && error.code === 'CHANNEL_UNAVAILABLE' && error.retryable);
    assert.equal(attempts(since).length, 5);
  });

  it('does not retry a 500 or a 400 (a payload Teams refuses)', async () => {
    t.connector.failNext({ status: 400, code: 'BadArgument' });
    const since = t.connector.calls.length;
    await assert.rejects(t.adapter.send(address, notice('x')), (error: unknown) => error instanceof PasserelleError && error.code === 'INTERNAL' && !error.retryable);
    t.connector.failNext({ status: 500 });
    await assert.rejects(t.adapter.send(address, notice('x')), PasserelleError);
    assert.equal(attempts(since).length, 2);
  });

  it('keeps to 7 messages per second in one conversation, queueing in order without dropping', async () => {
    const who = freshPersonal();
    await t.connector.deliver(t.botUrl, { ...A.personalInstallationUpdate(t.connector.serviceUrl, 'add'), ...who });
    await t.adapter.idle();
    const stored = await t.app.state.getReference(`teams:${who.conversation.id}`);
    const fresh: ConversationAddress = { key: `teams:${who.conversation.id}`, reference: stored?.reference };
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the welcome leave the one-second window
    const since = t.connector.calls.length;
    const ids = await Promise.all(Array.from({ length: 10 }, (_, index) => t.adapter.send(fresh, notice(`Message ${index + 1}`))));
    assert.equal(new Set(ids).size, 10);
    const calls = t.connector.calls.slice(since).filter((call) => call.conversationId === who.conversation.id);
    assert.deepEqual(calls.map((call) => call.body.text), Array.from({ length: 10 }, (_, index) => `Message ${index + 1}`));
    const first = calls[0]?.at ?? 0;
    assert.ok((calls[6]?.at ?? 0) - first < 900, 'the first seven at once');
    assert.ok((calls[7]?.at ?? 0) - first >= 950, `the eighth after the one-second window (${(calls[7]?.at ?? 0) - first} ms)`);
  });

  it('on 403 (bot blocked or uninstalled): RECIPIENT_UNREACHABLE, not retried, reference marked inactive', async () => {
    t.connector.failNext({ status: 403, code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' });
    const since = t.connector.calls.length;
    await assert.rejects(t.app.outbound.send('teams', address, notice('Annonce')), (error: unknown) => error instanceof PasserelleError && error.code === 'RECIPIENT_UNREACHABLE' && !error.retryable);
    assert.equal(attempts(since).length, 1);
    const stored = await t.app.state.getReference(address.key);
    assert.equal(stored?.active, false);
    assert.equal(stored?.inactiveReason, '403 ConversationBlockedByUser');
    assert.equal((await t.app.state.listReferences({ channel: 'teams', activeOnly: true })).some((reference) => reference.key === address.key), false);
  });

  it('reactivates the reference when the user writes again', async () => {
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'aide', { from: A.USER, conversation: (address.reference as { conversation: unknown }).conversation }));
    await t.adapter.idle();
    assert.equal((await t.app.state.getReference(address.key))?.active, true);
  });

  it('a progress that is not a streamed answer (a job acknowledgement) is a normal message, then edited in place (PUT)', async () => {
    const since = t.connector.calls.length;
    const id = await t.adapter.send(address, progress('🕑 Demande reçue : résumé du document. Mise en file…'));
    await t.adapter.update(address, id, progress('⏳ Tâche 12 : 50 %'));
    await t.adapter.update(address, id, notice('✅ Tâche 12 terminée.'));
    const calls = attempts(since);
    assert.deepEqual(calls.map((call) => [call.method, call.activityId ?? null, call.body.text]), [
      ['POST', null, '🕑 Demande reçue : résumé du document. Mise en file…'],
      ['PUT', id, '⏳ Tâche 12 : 50 %'],
      ['PUT', id, '✅ Tâche 12 terminée.'],
    ]);
    assert.ok(calls.every((call) => !(call.body.entities as unknown[] | undefined)?.length), 'no stream');
    assert.equal(calls[1]?.body.id, id);
  });

  it('an error while a streamed answer is open ends the stream with the error message', async () => {
    const since = t.connector.calls.length;
    const stream = await t.adapter.stream(address, progress('Je cherche dans les textes…'));
    assert.ok(stream, 'a personal chat streams');
    const streamId = stream.id;
    const finalId = await stream.finish(errorReply('Le modèle de langage ne répond pas pour le moment.'));
    assert.equal(finalId, streamId);
    const [informative, final] = attempts(since);
    assert.equal((informative?.body.entities as Array<{ streamType: string }>)[0]?.streamType, 'informative');
    assert.deepEqual(final?.body.entities, [{ type: 'streaminfo', streamId, streamType: 'final' }]);
    assert.equal(final?.body.text, 'Le modèle de langage ne répond pas pour le moment.');
  });
});
