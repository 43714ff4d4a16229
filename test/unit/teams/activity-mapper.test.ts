import assert from 'node:assert/strict';
import { classifyActivity, conversationReferenceOf, storedReferenceOf, stripMentions, tenantOf, toIncomingMessage } from '../../../adapters/teams/activity-mapper.ts';
import { parseFeedback } from '../../../adapters/teams/feedback.ts';
import * as A from './activities.ts';

const SERVICE = 'https://smba.trafficmanager.net/emea/';
const NOW = new Date('2025-03-14T09:30:00.000Z');

describe('teams / activity mapper', () => {
  describe('personal chat', () => {
    it('is always addressed to the bot, keyed by the conversation id, with the Entra id as sender', () => {
      const message = toIncomingMessage(A.personalMessage(SERVICE, '  Quels sont les pouvoirs de visite ?  ', { id: '1712000000042' }), NOW);
      assert.equal(message.channel, 'teams');
      assert.equal(message.id, `${A.PERSONAL_CONVERSATION}|1712000000042`);
      assert.equal(message.text, 'Quels sont les pouvoirs de visite ?');
      assert.equal(message.addressedToBot, true);
      assert.equal(message.isDirect, true);
      assert.equal(message.threadId, undefined);
      assert.deepEqual(message.sender, { id: A.USER.aadObjectId, displayName: A.USER.name });
      assert.equal(message.conversation.key, `teams:${A.PERSONAL_CONVERSATION}`);
      assert.equal(message.receivedAt, NOW.toISOString());
      const reference = message.conversation.reference as Record<string, unknown>;
      assert.equal(reference.serviceUrl, SERVICE);
      assert.equal(reference.channelId, 'msteams');
      assert.deepEqual(reference.bot, A.BOT);
      assert.equal((reference.user as { id: string }).id, A.USER.id);
    });

    it('stores a direct reference with the user and the tenant', () => {
      const stored = storedReferenceOf(A.personalMessage(SERVICE, 'bonjour'), NOW);
      assert.deepEqual({ ...stored, reference: undefined }, {
        key: `teams:${A.PERSONAL_CONVERSATION}`,
        channel: 'teams',
        reference: undefined,
        userId: A.USER.aadObjectId,
        tenant: A.TENANT,
        isDirect: true,
        active: true,
        updatedAt: NOW.toISOString(),
      });
    });

    it('falls back to the channel account id without aadObjectId', () => {
      const message = toIncomingMessage(A.personalMessage(SERVICE, 'x', { from: { id: '29:only-channel-id' } }), NOW);
      assert.equal(message.sender.id, '29:only-channel-id');
    });
  });

  describe('channel', () => {
    it('is addressed when a mention entity names the bot, and the mention is cut out of the text', () => {
      const message = toIncomingMessage(A.channelMention(SERVICE, 'que dit l’article 60 ?'), NOW);
      assert.equal(message.addressedToBot, true);
      assert.equal(message.isDirect, false);
      assert.equal(message.text, 'que dit l’article 60 ?');
      assert.equal(message.threadId, A.THREAD_ROOT);
      assert.equal(message.conversation.key, `teams:${A.CHANNEL};messageid=${A.THREAD_ROOT}`);
    });

    it('finds the mention through the entity, not the bot’s name: a renamed bot and text in the middle work', () => {
      const activity = A.channelMention(SERVICE, 'x', {
        text: 'Bonjour <at>Assistant Douane</at>, que dit l’article 414 ?',
        entities: [{ type: 'mention', text: '<at>Assistant Douane</at>', mentioned: A.BOT }],
      });
      assert.deepEqual(stripMentions(activity), { text: 'Bonjour, que dit l’article 414 ?', mentioned: true });
    });

    it('is not addressed when only someone else is mentioned; their name stays, without markup', () => {
      const activity = A.channelMention(SERVICE, 'x', {
        text: '<at>Dominique Durand</at> peux-tu relire le PV ?',
        entities: [{ type: 'mention', text: '<at>Dominique Durand</at>', mentioned: { id: A.OTHER_USER.id, name: A.OTHER_USER.name } }],
      });
      const message = toIncomingMessage(activity, NOW);
      assert.equal(message.addressedToBot, false);
      assert.equal(message.text, 'Dominique Durand peux-tu relire le PV ?');
    });

    it('is not addressed when the bot’s name is typed without a mention entity', () => {
      const message = toIncomingMessage(A.channelMention(SERVICE, 'x', { text: 'Passerelle, que dit l’article 60 ?', entities: [] }), NOW);
      assert.equal(message.addressedToBot, false);
    });

    it('answers in the thread: adds ;messageid= when a channel conversation id lacks it', () => {
      const activity = A.channelMention(SERVICE, 'question', { id: '1712999', conversation: { isGroup: true, conversationType: 'channel', id: A.CHANNEL, tenantId: A.TENANT } });
      assert.equal(conversationReferenceOf(activity).conversation?.id, `${A.CHANNEL};messageid=1712999`);
      const reply = A.channelMention(SERVICE, 'question', { id: '1713000', replyToId: '1712999', conversation: { isGroup: true, conversationType: 'channel', id: A.CHANNEL, tenantId: A.TENANT } });
      assert.equal(conversationReferenceOf(reply).conversation?.id, `${A.CHANNEL};messageid=1712999`);
    });
  });

  describe('room settings', () => {
    it('a channel thread message names its channel as room; only a personal chat makes the sender a moderator by itself', () => {
      const thread = toIncomingMessage(A.channelMention(SERVICE, 'paramètres'), NOW);
      assert.equal(thread.conversation.key, `teams:${A.CHANNEL};messageid=${A.THREAD_ROOT}`);
      assert.equal(thread.roomKey, `teams:${A.CHANNEL}`);
      assert.equal(thread.senderIsModerator, undefined);
      assert.equal(toIncomingMessage(A.personalMessage(SERVICE, 'paramètres'), NOW).senderIsModerator, true);
      assert.equal(toIncomingMessage(A.groupChatMessage(SERVICE, 'paramètres'), NOW).roomKey, undefined, 'a group chat is its own room');
    });
  });

  describe('group chat', () => {
    it('is not addressed without a mention and is addressed with one', () => {
      assert.equal(toIncomingMessage(A.groupChatMessage(SERVICE, 'on déjeune ensemble ?'), NOW).addressedToBot, false);
      const mentioned = A.groupChatMessage(SERVICE, '<at>Passerelle</at> aide', { entities: [{ type: 'mention', text: '<at>Passerelle</at>', mentioned: A.BOT }] });
      const message = toIncomingMessage(mentioned, NOW);
      assert.equal(message.addressedToBot, true);
      assert.equal(message.text, 'aide');
      assert.equal(message.conversation.key, `teams:${A.GROUP_CHAT}`);
      assert.equal(storedReferenceOf(mentioned, NOW).userId, undefined, 'no user for a group conversation');
    });
  });

  describe('classification', () => {
    it('recognises installation in a personal chat, in a team, and through installationUpdate', () => {
      const personal = classifyActivity(A.personalInstall(SERVICE), NOW);
      assert.equal(personal.kind, 'install');
      assert.ok(personal.kind === 'install' && personal.personal && personal.installerId === A.USER.aadObjectId);
      const team = classifyActivity(A.teamInstall(SERVICE), NOW);
      assert.ok(team.kind === 'install' && !team.personal && team.reference.key === `teams:${A.TEAM}`, 'team installation posts top-level, no thread');
      assert.equal(classifyActivity(A.personalInstallationUpdate(SERVICE, 'add'), NOW).kind, 'install');
      assert.deepEqual(classifyActivity(A.personalInstallationUpdate(SERVICE, 'remove'), NOW), { kind: 'uninstall', key: `teams:${A.PERSONAL_CONVERSATION}`, reason: 'uninstalled' });
    });

    it('ignores member changes of other people, the bot’s own messages and unhandled types', () => {
      assert.equal(classifyActivity({ ...A.personalInstall(SERVICE), membersAdded: [{ id: A.OTHER_USER.id, name: A.OTHER_USER.name }] }, NOW).kind, 'ignored');
      assert.equal(classifyActivity(A.personalMessage(SERVICE, 'écho', { from: A.BOT }), NOW).kind, 'ignored');
      assert.equal(classifyActivity({ ...A.personalMessage(SERVICE, ''), type: 'messageReaction' }, NOW).kind, 'ignored');
    });

    it('reads the tenant from channelData, else from the conversation', () => {
      assert.equal(tenantOf(A.personalMessage(SERVICE, 'x')), A.TENANT);
      assert.equal(tenantOf({ conversation: { id: 'c', tenantId: 'other', isGroup: false, conversationType: 'personal', name: '' } }), 'other');
      assert.equal(tenantOf({}), undefined);
    });
  });

  describe('feedback invoke', () => {
    it('maps like/dislike, the rated message id and the feedback text', () => {
      assert.deepEqual(parseFeedback(A.feedbackInvoke(SERVICE, 'activity-7', 'dislike', 'Article abrogé')), { messageId: 'activity-7', userId: A.USER.aadObjectId, rating: -1, comment: 'Article abrogé' });
      assert.deepEqual(parseFeedback(A.feedbackInvoke(SERVICE, 'activity-7', 'like')), { messageId: 'activity-7', userId: A.USER.aadObjectId, rating: 1 });
      const event = classifyActivity(A.feedbackInvoke(SERVICE, 'activity-7', 'like'), NOW);
      assert.equal(event.kind, 'feedback');
    });

    it('keeps the reasons picked in the feedback form with the text (string, list, or an object payload)', () => {
      const raw = A.feedbackInvoke(SERVICE, 'a-9', 'dislike');
      const withFeedback = (feedback: unknown) => ({ ...raw, value: { actionName: 'feedback', actionValue: { reaction: 'dislike', feedback } } });
      assert.deepEqual(parseFeedback(withFeedback(JSON.stringify({ feedbackText: 'Article abrogé', reason: 'Inexact' }))), { messageId: 'a-9', userId: A.USER.aadObjectId, rating: -1, comment: 'Article abrogé', reason: 'Inexact' });
      assert.equal(parseFeedback(withFeedback(JSON.stringify({ reasons: ['Inexact', 'Source manquante', 'Inexact'] })))?.reason, 'Inexact, Source manquante');
      assert.deepEqual(parseFeedback(withFeedback({ feedbackText: 'objet', category: 'Hors sujet' })), { messageId: 'a-9', userId: A.USER.aadObjectId, rating: -1, comment: 'objet', reason: 'Hors sujet' });
      assert.equal(parseFeedback(withFeedback(JSON.stringify({ reason: 'x'.repeat(2_000) })))?.reason?.length, 500);
      assert.deepEqual(parseFeedback(withFeedback(JSON.stringify({ reason: 42, feedbackText: '' }))), { messageId: 'a-9', userId: A.USER.aadObjectId, rating: -1 });
    });

    it('takes a non-JSON feedback string as the text, and refuses other shapes', () => {
      const raw = A.feedbackInvoke(SERVICE, 'a-1', 'like');
      (raw.value as { actionValue: { feedback: string } }).actionValue.feedback = 'texte brut';
      assert.equal(parseFeedback(raw)?.comment, 'texte brut');
      assert.equal(parseFeedback({ ...raw, value: { actionName: 'feedback', actionValue: { reaction: 'love' } } }), undefined);
      assert.equal(parseFeedback({ ...raw, replyToId: undefined }), undefined);
      assert.deepEqual(classifyActivity({ ...raw, name: 'composeExtension/query' }, NOW), { kind: 'unsupported-invoke', name: 'composeExtension/query' });
    });
  });
});
