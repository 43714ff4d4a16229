import assert from 'node:assert/strict';
import { AI_NOTICE, MENTION_HINT, WELCOME } from '../../bots/user-messages.ts';
import type { ConnectorCall } from '../fakes/bot-connector.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, freshUser, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * The real application behind the Teams endpoint, in anonymous local mode, talking to a fake Bot Connector
 * over HTTP: Teams-shaped activities in, exact Bot Connector payloads out.
 */

type Entity = Record<string, unknown>;
const entitiesOf = (call: ConnectorCall) => (call.body.entities as Entity[] | undefined) ?? [];
const messageEntity = (call: ConnectorCall) => entitiesOf(call).find((entity) => entity.type === 'https://schema.org/Message');
const streamInfo = (call: ConnectorCall) => entitiesOf(call).find((entity) => entity.type === 'streaminfo');
const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?';

describe('e2e: Teams channel (anonymous local mode, fake Bot Connector)', function () {
  this.timeout(30_000);
  let t: TeamsApp;

  before(async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT } });
  });

  after(async () => {
    await t?.close();
  });

  const deliver = (activity: unknown) => t.connector.deliver(t.botUrl, activity);
  const callsTo = (conversationId: string) => t.connector.calls.filter((call) => call.conversationId === conversationId);

  it('answers GET /healthz with 200 JSON', async () => {
    const response = await fetch(`${t.botUrl}/healthz`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await response.json(), { status: 'ok', channel: 'teams', mode: 'anonymous', ready: true });
  });

  describe('personal chat', () => {
    const who = freshPersonal();
    let streamId = '';

    it('acknowledges at once, then streams a cited, AI-labelled answer with feedback buttons, the AI notice inside it', async () => {
      const response = await deliver(A.personalMessage(t.connector.serviceUrl, QUESTION, who));
      assert.deepEqual(response, { status: 200, body: '' });
      assert.equal(t.connector.messages(who.conversation.id).filter((call) => streamInfo(call)).length, 0, 'acknowledged before the answer was sent');
      await t.adapter.idle();
      const calls = callsTo(who.conversation.id);
      assert.deepEqual(calls.map((call) => [call.method, call.body.type, streamInfo(call)?.streamType ?? null]), [
        ['POST', 'typing', 'informative'],
        ['POST', 'message', 'final'],
      ], 'no separate notice message before the answer');
      const [informative, final] = calls as [ConnectorCall, ConnectorCall];
      assert.ok(String(final.body.text).endsWith(`\n\n${AI_NOTICE}`), 'the AI notice closes the first answer');
      assert.ok(String(final.body.text).indexOf('[1]') < String(final.body.text).indexOf(AI_NOTICE), 'the answer comes first');
      assert.equal(informative.body.text, 'Je cherche dans les textes…');
      assert.deepEqual(streamInfo(informative), { type: 'streaminfo', streamType: 'informative', streamSequence: 1 });
      streamId = String(streamInfo(final)?.streamId);
      assert.equal(final.body.type, 'message');
      assert.equal(final.body.textFormat, 'markdown');
      assert.match(String(final.body.text), /\[1\]/);
      assert.deepEqual(final.body.channelData, { feedbackLoopEnabled: true, streamId, streamType: 'final' });
      const entity = messageEntity(final) as Entity;
      assert.equal(entity.additionalType, undefined, 'verbatim quotes (no model): not labelled AI-generated');
      assert.equal(entity['@type'], 'Message');
      assert.equal(entity['@context'], 'https://schema.org');
      const [claim] = entity.citation as Array<{ '@type': string; position: number; appearance: Entity }>;
      assert.equal(claim?.['@type'], 'Claim');
      assert.equal(claim?.position, 1);
      assert.equal(claim?.appearance['@type'], 'DigitalDocument');
      assert.match(String(claim?.appearance.name), /Code des douanes, art\. 60/);
      assert.equal(claim?.appearance.url, 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60');
      assert.ok(String(claim?.appearance.abstract).length <= 160);
      assert.deepEqual(final.body.from, A.BOT);
      assert.equal((final.body.conversation as Entity).id, who.conversation.id);
      assert.deepEqual(t.connector.violations, []);
    });

    it('stores the conversation reference (direct, user, tenant) and the answer under the stream id', async () => {
      const stored = await t.app.state.getReference(`teams:${who.conversation.id}`);
      assert.equal(stored?.isDirect, true);
      assert.equal(stored?.userId, who.from.aadObjectId);
      assert.equal(stored?.tenant, A.TENANT);
      assert.equal(stored?.active, true);
      assert.equal((stored?.reference as { serviceUrl: string }).serviceUrl, t.connector.serviceUrl);
      const answer = await t.app.state.getAnswer('teams', streamId);
      assert.equal(answer?.question, QUESTION);
      assert.ok((answer?.citedIds.length ?? 0) > 0);
    });

    it('stores 👎 feedback with its comment and answers the invoke 200 with an empty body; a second rating by the same user replaces it', async () => {
      const response = await deliver({ ...A.feedbackInvoke(t.connector.serviceUrl, streamId, 'dislike', 'Il manque l’article 61.'), ...who });
      assert.deepEqual(response, { status: 200, body: '' });
      const first = (await t.app.state.listFeedback(50)).filter((record) => record.messageId === streamId);
      const dislike = first.find((record) => record.rating === -1);
      assert.equal(dislike?.comment, 'Il manque l’article 61.');
      assert.equal(dislike?.question, QUESTION);
      assert.equal(dislike?.channel, 'teams');
      assert.ok(dislike && !dislike.userHash.includes(who.from.aadObjectId), 'the user is pseudonymised');
      const liked = await deliver({ ...A.feedbackInvoke(t.connector.serviceUrl, streamId, 'like'), ...who });
      assert.deepEqual(liked, { status: 200, body: '' });
      const feedback = (await t.app.state.listFeedback(50)).filter((record) => record.messageId === streamId);
      assert.deepEqual(feedback.map((record) => [record.rating, record.comment]), [[1, undefined]], 'the 👍 replaced the 👎 (one rating per user and answer)');
    });

    it('stores the reasons picked in the feedback form with the rating', async () => {
      const invoke = A.feedbackInvoke(t.connector.serviceUrl, streamId, 'dislike');
      (invoke.value as { actionValue: { feedback: string } }).actionValue.feedback = JSON.stringify({ feedbackText: 'Réponse datée', reasons: ['Inexact', 'Source manquante'] });
      assert.deepEqual(await deliver({ ...invoke, ...who }), { status: 200, body: '' });
      const stored = (await t.app.state.listFeedback(50)).find((record) => record.messageId === streamId && record.comment === 'Réponse datée');
      assert.equal(stored?.reason, 'Inexact, Source manquante');
      assert.equal(stored?.rating, -1);
      assert.equal(stored?.question, QUESTION);
    });

    it('answers feedback on an unknown message 200 too, storing nothing', async () => {
      const before = (await t.app.state.listFeedback(100)).length;
      assert.deepEqual(await deliver(A.feedbackInvoke(t.connector.serviceUrl, 'not-an-answer', 'like')), { status: 200, body: '' });
      assert.equal((await t.app.state.listFeedback(100)).length, before);
    });
  });

  describe('channels and group chats', () => {
    it('answers an @mention in the channel thread, with the mention removed from the question', async () => {
      const thread = `${A.CHANNEL};messageid=${A.THREAD_ROOT}`;
      assert.deepEqual(await deliver(A.channelMention(t.connector.serviceUrl, 'que prévoit l’article 414 du code des douanes sur la contrebande ?', { from: freshUser() })), { status: 200, body: '' });
      await t.adapter.idle();
      const calls = callsTo(thread);
      assert.ok(calls.length > 0, 'replies went to the thread (conversation id with ;messageid=)');
      assert.ok(calls.every((call) => call.path === `/v3/conversations/${encodeURIComponent(thread)}/activities`));
      assert.ok(calls.some((call) => call.body.type === 'typing' && streamInfo(call) === undefined), 'typing indicator while working');
      const answer = calls.find((call) => messageEntity(call)) as ConnectorCall;
      assert.equal(streamInfo(answer), undefined, 'no streaming outside personal chats');
      assert.equal((messageEntity(answer) as Entity).additionalType, undefined, 'verbatim quotes (no model): not labelled AI-generated');
      assert.ok(((messageEntity(answer) as Entity).citation as unknown[]).length >= 1);
      assert.deepEqual(answer.body.channelData, { feedbackLoopEnabled: true });
      assert.equal(answer.body.suggestedActions, undefined, 'no suggested actions in channels');
      const answerId = (answer.response as { id: string }).id;
      const stored = await t.app.state.getAnswer('teams', answerId);
      assert.equal(stored?.question, 'que prévoit l’article 414 du code des douanes sur la contrebande ?', 'question recorded without <at>Passerelle</at>');
      assert.equal(stored?.conversationKey, `teams:${thread}`);
    });

    it('does not answer a group-chat message that does not mention the bot', async () => {
      const before = callsTo(A.GROUP_CHAT).length;
      assert.deepEqual(await deliver(A.groupChatMessage(t.connector.serviceUrl, 'Quelqu’un sait ce que dit l’article 60 ?', { from: freshUser() })), { status: 200, body: '' });
      await t.adapter.idle();
      assert.equal(callsTo(A.GROUP_CHAT).length, before);
    });

    it('answers a group-chat message that mentions the bot, as a normal message', async () => {
      const mention = `<at>${A.BOT.name}</at>`;
      await deliver(A.groupChatMessage(t.connector.serviceUrl, `${mention} aide`, { from: freshUser(), entities: [{ type: 'mention', text: mention, mentioned: A.BOT }] }));
      await t.adapter.idle();
      const messages = t.connector.messages(A.GROUP_CHAT);
      assert.match(String(messages.at(-1)?.body.text), /Passerelle — aide/);
      assert.ok(messages.every((call) => streamInfo(call) === undefined));
    });
  });

  describe('installation', () => {
    it('on install in a personal chat: stores the reference and sends the welcome with the AI notice once', async () => {
      const who = freshPersonal();
      assert.deepEqual(await deliver({ ...A.personalInstall(t.connector.serviceUrl), ...who }), { status: 200, body: '' });
      assert.deepEqual(await deliver({ ...A.personalInstallationUpdate(t.connector.serviceUrl, 'add'), ...who }), { status: 200, body: '' });
      await t.adapter.idle();
      const messages = t.connector.messages(who.conversation.id);
      assert.equal(messages.length, 1, 'one welcome for conversationUpdate + installationUpdate');
      assert.equal(messages[0]?.body.text, `${WELCOME}\n\n${AI_NOTICE}`);
      const stored = await t.app.state.getReference(`teams:${who.conversation.id}`);
      assert.equal(stored?.isDirect, true);
      assert.equal(stored?.userId, who.from.aadObjectId);
      await deliver(A.personalMessage(t.connector.serviceUrl, 'aide', who));
      await t.adapter.idle();
      assert.ok(!t.connector.messages(who.conversation.id).slice(1).some((call) => String(call.body.text).includes(AI_NOTICE)), 'the AI notice is not repeated on the first question');
    });

    it('on install in a team: posts the welcome, the mention hint and the AI notice at the top of the General channel', async () => {
      await deliver(A.teamInstall(t.connector.serviceUrl));
      await t.adapter.idle();
      const [welcome] = t.connector.messages(A.TEAM);
      assert.equal(welcome?.body.text, `${WELCOME}\n\n${MENTION_HINT}\n\n${AI_NOTICE}`);
      const stored = await t.app.state.getReference(`teams:${A.TEAM}`);
      assert.equal(stored?.isDirect, false);
      assert.equal(stored?.tenant, A.TENANT);
    });

    it('on removal from a team: marks the team and its channel threads inactive', async () => {
      const thread = `teams:${A.TEAM};messageid=1712000099999`;
      await deliver(A.channelMention(t.connector.serviceUrl, 'aide', { id: '1712000099999', from: freshUser(), conversation: { isGroup: true, conversationType: 'channel', id: A.TEAM, tenantId: A.TENANT } }));
      await t.adapter.idle();
      assert.equal((await t.app.state.getReference(thread))?.active, true);
      await deliver({ ...A.teamInstall(t.connector.serviceUrl), membersAdded: undefined, membersRemoved: [{ id: A.BOT.id }] });
      await t.adapter.idle();
      assert.equal((await t.app.state.getReference(`teams:${A.TEAM}`))?.active, false);
      assert.equal((await t.app.state.getReference(thread))?.active, false);
    });

    it('on uninstall: marks the reference inactive', async () => {
      const who = freshPersonal();
      await deliver({ ...A.personalInstall(t.connector.serviceUrl), ...who });
      await t.adapter.idle();
      await deliver({ ...A.personalInstallationUpdate(t.connector.serviceUrl, 'remove'), ...who });
      await t.adapter.idle();
      const stored = await t.app.state.getReference(`teams:${who.conversation.id}`);
      assert.equal(stored?.active, false);
      assert.equal(stored?.inactiveReason, 'uninstalled');
    });
  });

  describe('bad input: refused with 4xx (never reaching the bot) or answered in French, never a crash', () => {
    const raw = async (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST', path = '/api/messages') => {
      const response = await fetch(`${t.botUrl}${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
      const text = await response.text();
      return { status: response.status, error: text ? (JSON.parse(text) as { error?: string }).error : undefined };
    };
    let callsBefore = 0;
    before(() => {
      callsBefore = t.connector.calls.length;
    });

    it('malformed JSON, a non-object and an empty body: 400', async () => {
      assert.deepEqual(await raw('{"type": "message", "text": '), { status: 400, error: 'Le corps de la requête n’est pas un JSON valide.' });
      assert.equal((await raw('[1,2,3]')).status, 400);
      assert.equal((await raw('')).status, 400);
    });

    it('missing type, unknown type, missing fields, wrong field types: 400 with the reason', async () => {
      assert.match((await raw(JSON.stringify({ text: 'bonjour' }))).error ?? '', /champ « type » manquant/);
      assert.match((await raw(JSON.stringify({ ...A.personalMessage(t.connector.serviceUrl, 'x'), type: 'hologram' }))).error ?? '', /Type d’activité inconnu/);
      const noConversation = { ...A.personalMessage(t.connector.serviceUrl, 'x'), conversation: undefined };
      assert.match((await raw(JSON.stringify(noConversation))).error ?? '', /conversation\.id/);
      assert.match((await raw(JSON.stringify({ ...A.personalMessage(t.connector.serviceUrl, 'x'), text: 42 }))).error ?? '', /text/);
      assert.match((await raw(JSON.stringify({ ...A.personalMessage(t.connector.serviceUrl, 'x'), serviceUrl: undefined }))).error ?? '', /serviceUrl/);
    });

    it('a 1 MB text: 413; a non-JSON content type: 415', async () => {
      assert.deepEqual(await raw(JSON.stringify(A.personalMessage(t.connector.serviceUrl, 'a'.repeat(1024 * 1024)))), { status: 413, error: 'Requête trop volumineuse.' });
      assert.equal((await raw('type=message', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
    });

    it('wrong method or path: 405 / 404', async () => {
      assert.equal((await raw('', {}, 'GET')).status, 405);
      assert.equal((await raw('{}', { 'content-type': 'application/json' }, 'POST', '/api/other')).status, 404);
    });

    it('another tenant, or a non-local serviceUrl in anonymous mode: 403', async () => {
      const foreign = { ...A.personalMessage(t.connector.serviceUrl, 'x'), channelData: { tenant: { id: 'evil-tenant' } }, conversation: { conversationType: 'personal', id: 'a:evil', tenantId: 'evil-tenant' } };
      assert.deepEqual(await raw(JSON.stringify(foreign)), { status: 403, error: 'Ce locataire Microsoft 365 n’est pas autorisé à utiliser Passerelle.' });
      assert.equal((await raw(JSON.stringify(A.personalMessage('https://attacker.example/', 'x')))).status, 403);
    });

    it('known activity types Passerelle does not handle: 200 and nothing sent; an unsupported invoke: 501', async () => {
      assert.equal((await raw(JSON.stringify({ ...A.personalMessage(t.connector.serviceUrl, ''), type: 'messageReaction', reactionsAdded: [{ type: 'like' }] }))).status, 200);
      assert.equal((await raw(JSON.stringify({ ...A.feedbackInvoke(t.connector.serviceUrl, 'x', 'like'), name: 'composeExtension/query', value: {} }))).status, 501);
      await t.adapter.idle();
      assert.equal(t.connector.calls.length, callsBefore, 'nothing reached the Teams service');
    });

    it('a message longer than the bot accepts (but under the size limit): a clear French reply', async () => {
      const who = freshPersonal();
      assert.equal((await deliver(A.personalMessage(t.connector.serviceUrl, 'mot '.repeat(2_500), who))).status, 200);
      await t.adapter.idle();
      assert.ok(t.connector.messages(who.conversation.id).some((call) => /Votre message est trop long \(\d+ caractères, maximum 4000\)/.test(String(call.body.text))));
    });

    it('is still healthy and answering afterwards', async () => {
      assert.equal((await fetch(`${t.botUrl}/healthz`)).status, 200);
      const who = freshPersonal();
      await deliver(A.personalMessage(t.connector.serviceUrl, 'aide', who));
      await t.adapter.idle();
      assert.match(String(t.connector.messages(who.conversation.id).at(-1)?.body.text), /Passerelle — aide/);
    });
  });
});
