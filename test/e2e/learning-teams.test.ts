import assert from 'node:assert/strict';
import { CHECK } from '../../bots/learning/ai-literacy.ts';
import * as say from '../../bots/learning/messages.ts';
import { AI_NOTICE } from '../../bots/user-messages.ts';
import { blankedSentence } from '../../knowledge/learning/quiz-item.ts';
import type { ConnectorCall } from '../fakes/bot-connector.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

type Card = { type: string; version: string; body: Array<{ text: string }>; actions: Array<{ type: string; title: string; data: { msteams: { type: string; value: string } } }> };

/**
 * Learning mode on Teams: the real application behind the Teams endpoint and a fake Bot Connector over HTTP.
 * A quiz question arrives with an Adaptive Card; pressing a button is what Teams does with an imBack action:
 * a message activity whose text is the button's value.
 */
describe('e2e: quiz and AI-literacy training on Teams (Adaptive Card choices, fake Bot Connector)', function () {
  this.timeout(60_000);
  let t: TeamsApp;

  before(async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT } });
  });
  after(async () => {
    await t?.close();
  });

  const send = async (who: ReturnType<typeof freshPersonal>, text: string): Promise<ConnectorCall[]> => {
    const before = t.connector.messages(who.conversation.id).length;
    assert.deepEqual(await t.connector.deliver(t.botUrl, { ...A.personalMessage(t.connector.serviceUrl, text), ...who }), { status: 200, body: '' });
    await t.adapter.idle();
    return t.connector.messages(who.conversation.id).slice(before);
  };
  const cardOf = (call: ConnectorCall | undefined): Card | undefined =>
    (call?.body.attachments as Array<{ contentType: string; content: Card }> | undefined)?.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  /** What Teams posts when the agent presses a card's button (Action.Submit with an imBack). */
  const press = (who: ReturnType<typeof freshPersonal>, card: Card, index: number) => send(who, card.actions[index]?.data.msteams.value ?? '');

  it('asks a quiz question with an Adaptive Card of choices; pressing the right button posts its number and gets the explanation', async () => {
    const who = freshPersonal();
    const calls = await send(who, 'quiz article 414');
    const question = calls.find((call) => cardOf(call));
    assert.ok(question, JSON.stringify(calls.map((call) => call.body.text)));
    assert.match(String(question.body.text), /\*\*Question 1\/1\*\* — Code des douanes, art\. 414/);
    assert.equal(question.body.textFormat, 'markdown');
    const card = cardOf(question) as Card;
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.actions.length, 4);
    assert.ok(card.actions.every((action, index) => action.type === 'Action.Submit' && action.data.msteams.type === 'imBack' && action.data.msteams.value === String(index + 1)));
    const item = (await t.app.learning.bank.base('legal')).items.find((candidate) => String(question.body.text).includes(blankedSentence(candidate)));
    assert.ok(item);
    assert.equal(card.actions[item.answerIndex]?.title, `${item.answerIndex + 1}. ${item.answer}`);
    const [explanation, end] = await press(who, card, item.answerIndex);
    assert.match(String(explanation?.body.text), /^✅ \*\*Exact\.\*\*/);
    assert.match(String(explanation?.body.text), /\*\*trois ans\*\*/);
    const entity = (explanation?.body.entities as Array<Record<string, unknown>>).find((candidate) => candidate.type === 'https://schema.org/Message');
    const [claim] = entity?.citation as Array<{ appearance: { name: string; url: string } }>;
    assert.equal(claim?.appearance.name, 'Code des douanes, art. 414');
    assert.equal(claim?.appearance.url, 'https://www.legifrance.gouv.fr/codes/article_lc/CD-414');
    assert.match(String(end?.body.text), /^🏁 \*\*Quiz terminé : 1\/1\.\*\*/);
    assert.deepEqual(t.connector.violations, []);
  });

  it('runs the AI-literacy check with a card per question and records the pass under a pseudonym', async () => {
    const who = freshPersonal();
    let calls = await send(who, 'formation');
    for (const check of CHECK) {
      const card = cardOf(calls.find((call) => cardOf(call)));
      assert.ok(card, 'a card for each question');
      assert.deepEqual(card.body.map((block) => block.text), check.choices.map((choice, index) => `**${index + 1}.** ${choice}`));
      calls = await press(who, card, check.answer);
    }
    assert.equal(calls.at(-1)?.body.text, say.trainingPassed(5, 5));
    const coverage = await t.app.learning.store.coverage('2000-01-01T00:00:00.000Z');
    assert.equal(coverage.reduce((sum, row) => sum + row.trained, 0), 1);
    assert.ok(!JSON.stringify(coverage).includes(who.from.aadObjectId));
  });

  it('keeps quizzes out of team channels, where colleagues would see the answers', async () => {
    const before = t.connector.calls.length;
    await t.connector.deliver(t.botUrl, A.channelMention(t.connector.serviceUrl, 'quiz'));
    await t.adapter.idle();
    const replies = t.connector.calls.slice(before).filter((call) => call.body.type === 'message');
    // The channel's first exchange with this user: the AI notice rides along.
    assert.ok(replies.some((call) => call.body.text === say.DIRECT_ONLY || call.body.text === `${say.DIRECT_ONLY}\n\n${AI_NOTICE}`));
    assert.ok(!replies.some((call) => cardOf(call)));
  });
});
