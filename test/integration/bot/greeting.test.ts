import assert from 'node:assert/strict';
import { isGreeting } from '../../../bots/commands/dispatcher.ts';
import * as say from '../../../bots/user-messages.ts';
import { startHarness, type Harness } from './harness.ts';

describe('bot: a greeting alone', function () {
  this.timeout(30_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => harness.close());

  it('« bonjour » gets a greeting with what the bot can do, not « pas de réponse fiable »', async () => {
    const replies = await harness.say('bonjour', { sender: { id: 'agent-bonjour@douane.finances.gouv.fr' } });
    assert.ok(replies.at(-1)?.text.startsWith(say.GREETING), replies.at(-1)?.text);
    assert.match(say.GREETING, /résumer un document/);
  });

  it('recognises greetings, and only greetings', () => {
    for (const text of ['bonjour', 'Bonjour !', 'Bonjour Passerelle', 'salut', 'bonsoir à tous', 'hello.']) assert.equal(isGreeting(text), true, text);
    for (const text of ['bonjour, quel est le délai de recours ?', 'congés', 'bonjour je voudrais poser une question']) assert.equal(isGreeting(text), false, text);
  });
});
