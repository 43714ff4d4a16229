import assert from 'node:assert/strict';
import { renderReply as renderLocal } from '../../../adapters/local/render-reply.ts';
import { renderReply as renderMatrix } from '../../../adapters/matrix/reply-renderer.ts';
import { ADAPTIVE_CARD, renderReply as renderTeams } from '../../../adapters/teams/reply-renderer.ts';
import { CHECK, MODULE_TEXT, PASS_MARK } from '../../../bots/learning/ai-literacy.ts';
import { notice, type Reply } from '../../../bots/reply.ts';

/** The choices of a quiz question in each channel: Adaptive Card buttons posting the number, numbered lists elsewhere. */
describe('quiz choices in each channel', () => {
  const question: Reply = { ...notice('**Question 1/5** — Code des douanes, art. 414\nComplétez le texte :\n> … de _____ …', ['passe', 'stop']), choices: ['un an', 'deux ans', 'trois ans', 'quatre ans'] };

  it('Teams: an Adaptive Card whose buttons post the choice’s number as the agent’s message (imBack)', () => {
    const activity = renderTeams(question, { personal: true });
    assert.equal(activity.text, question.text);
    const [card] = activity.attachments ?? [];
    assert.equal(card?.contentType, ADAPTIVE_CARD);
    assert.equal(card?.content.type, 'AdaptiveCard');
    assert.equal(card?.content.version, '1.5');
    assert.deepEqual((card?.content.body as Array<{ text: string }>).map((block) => block.text), ['**1.** un an', '**2.** deux ans', '**3.** trois ans', '**4.** quatre ans']);
    assert.deepEqual(card?.content.actions, ['un an', 'deux ans', 'trois ans', 'quatre ans'].map((choice, index) => ({
      type: 'Action.Submit', title: `${index + 1}. ${choice}`, data: { msteams: { type: 'imBack', value: String(index + 1) } },
    })));
    assert.equal(renderTeams(notice('pas de choix'), { personal: true }).attachments, undefined);
  });

  it('Tchap: a numbered list in the body and the HTML, and how to answer', () => {
    const content = renderMatrix(question);
    assert.match(content.body, /\n1\. un an\n2\. deux ans\n3\. trois ans\n4\. quatre ans\nRépondez par le numéro de votre choix\./);
    assert.match(content.formatted_body, /<ol><li>un an<\/li><li>deux ans<\/li><li>trois ans<\/li><li>quatre ans<\/li><\/ol>/);
    assert.equal(content.msgtype, 'm.notice');
  });

  it('terminal: numbered lines under the question', () => {
    // Markdown rendered for the terminal: the quote gets a bar, the blank to fill in stays.
    assert.match(renderLocal(question), /│ … de _____ …\n\n {2}1\. un an\n {2}2\. deux ans\n {2}3\. trois ans\n {2}4\. quatre ans\n$/);
  });
});

describe('AI-literacy module content', () => {
  it('covers the five topics and has a five-question check, four choices each, one right answer, an explanation', () => {
    for (const topic of ['Ce qu’est Passerelle', 'hallucinations', 'Vérifier la source', 'Jamais de données classifiées', 'Pas d’actes de procédure']) assert.ok(MODULE_TEXT.includes(topic), topic);
    assert.equal(CHECK.length, 5);
    for (const question of CHECK) {
      assert.equal(new Set(question.choices).size, 4);
      assert.ok(question.answer >= 0 && question.answer < 4);
      assert.ok(question.explanation.length > 20);
    }
    assert.ok(new Set(CHECK.map((question) => question.answer)).size > 1, 'the right answer is not always in the same place');
    assert.equal(PASS_MARK, 4);
  });
});
