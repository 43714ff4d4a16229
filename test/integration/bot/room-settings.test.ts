import assert from 'node:assert/strict';
import * as say from '../../../bots/user-messages.ts';
import { parseInput, prefixTable } from '../../../bots/commands/command-parser.ts';
import { answerOf, startHarness, type Harness } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';

describe('room settings (paramètres) through the whole bot', function () {
  this.timeout(30_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => harness.close());

  let rooms = 0;
  const room = () => {
    const id = `room-${++rooms}`;
    // A message in a thread of the channel: the settings belong to the channel (roomKey), not to the thread.
    return (threadId?: string) => ({
      isDirect: false, addressedToBot: true, roomKey: `teams:${id}`,
      conversation: { key: threadId ? `teams:${id};messageid=${threadId}` : `teams:${id}`, reference: { id } },
      ...(threadId ? { threadId } : {}),
    });
  };
  const moderator = { sender: { id: 'chef@douane.finances.gouv.fr' }, senderIsModerator: true };
  const agent = (n: number) => ({ sender: { id: `agent-${n}@douane.finances.gouv.fr` } });
  const texts = (replies: Array<{ text: string }>) => replies.map((reply) => reply.text);

  it('« paramètres » alone shows the defaults to anyone; only moderators change them', async () => {
    const at = room();
    const shown = texts(await harness.say('paramètres', { ...at(), ...agent(1) })).at(-1)!;
    assert.match(shown, /Paramètres de ce salon/);
    assert.match(shown, /seulement quand on me mentionne/);
    assert.deepEqual(texts(await harness.say('paramètres mention non', { ...at(), ...agent(1) })), [say.SETTINGS_MODERATORS_ONLY]);
    const saved = texts(await harness.say('paramètres mention non', { ...at(), ...moderator })).at(-1)!;
    assert.ok(saved.startsWith(say.SETTINGS_SAVED));
    assert.match(saved, /Réponses : à chaque message/);
    assert.match(texts(await harness.say('paramètres', { ...at('t1'), ...agent(1) })).at(-1)!, /à chaque message/, 'a thread shows its channel’s settings');
  });

  it('mention non: a message that does not mention the bot is answered; mention oui: silent again', async () => {
    const at = room();
    assert.deepEqual(await harness.say(QUESTION, { ...at(), ...agent(2), addressedToBot: false }), []);
    await harness.say('paramètres mention non', { ...at(), ...moderator });
    assert.equal(answerOf(await harness.say(QUESTION, { ...at('t2'), ...agent(2), addressedToBot: false })).kind, 'answer');
    await harness.say('paramètres mention oui', { ...at(), ...moderator });
    assert.deepEqual(await harness.say(QUESTION, { ...at(), ...agent(2), addressedToBot: false }), []);
  });

  it('bases: answers come from the room’s bases only; a prefix for another base is explained', async () => {
    const at = room();
    const saved = texts(await harness.say('paramètres bases rh', { ...at(), ...moderator })).at(-1)!;
    assert.match(saved, /Bases : Ressources humaines/i);
    const answer = answerOf(await harness.say('Combien de jours de congé annuel ?', { ...at(), ...agent(3) }));
    assert.ok(answer.citations.length > 0 && answer.citations.every((citation) => /rh|hr|congé|Fonction publique|Ressources/i.test(JSON.stringify(citation))), JSON.stringify(answer.citations.map((citation) => citation.title)));
    const forced = texts(await harness.say('code: que dit l’article 60 ?', { ...at(), ...agent(3) })).at(-1)!;
    assert.match(forced, /Dans ce salon, je ne cherche que dans/);
    const help = texts(await harness.say('aide', { ...at(), ...agent(3) })).at(-1)!;
    assert.ok(!/code des douanes/i.test(help.split('Commandes')[0]!), 'help lists the room’s bases only');
    assert.match(texts(await harness.say('paramètres bases inconnue', { ...at(), ...moderator })).at(-1)!, /Base inconnue : « inconnue »/);
    assert.match(texts(await harness.say('paramètres bases toutes', { ...at(), ...moderator })).at(-1)!, /Bases : toutes/);
  });

  it('avis: newcomers of the room get its text after the AI sentence; « avis défaut » restores the standard one', async () => {
    const at = room();
    await harness.say('paramètres avis "Salon du bureau de Roissy : vérifiez toujours auprès du chef d’équipe."', { ...at(), ...moderator });
    const first = await harness.say(QUESTION, { ...at(), ...agent(4) });
    const carried = first.filter((reply) => reply.kind !== 'progress').at(0)?.text ?? '';
    assert.ok(carried.endsWith(`\n\n${say.roomAiNotice('Salon du bureau de Roissy : vérifiez toujours auprès du chef d’équipe.')}`), carried);
    assert.match(texts(await harness.say(`paramètres avis ${'x'.repeat(1_500)}`, { ...at(), ...moderator })).at(-1)!, /trop long \(1500 caractères, maximum 1000\)/);
    await harness.say('paramètres avis défaut', { ...at(), ...moderator });
    const standard = (await harness.say(QUESTION, { ...at(), ...agent(5) })).filter((reply) => reply.kind !== 'progress').at(0)?.text ?? '';
    assert.ok(standard.endsWith(`\n\n${say.AI_NOTICE}`), standard);
  });

  it('in a direct chat the user is the moderator; the mention setting does not apply there', async () => {
    const direct = { ...agent(6), conversation: { key: 'teams:dm-6', reference: { id: 'dm-6' } } };
    const saved = texts(await harness.say('paramètres annonces non', direct)).at(-1)!;
    assert.match(saved, /Paramètres de cette conversation[\s\S]*Annonces : refusées/);
    assert.deepEqual(texts(await harness.say('paramètres mention non', direct)), [say.SETTINGS_MENTION_DIRECT]);
    assert.equal((await harness.app.state.getRoomSettings('teams:dm-6'))?.settings.announcements, false);
  });

  it('bad input: unknown setting, missing value, yes/no expected', async () => {
    const at = room();
    assert.deepEqual(texts(await harness.say('/paramètres couleur bleu', { ...at(), ...moderator })), [say.settingsUsage()]);
    assert.deepEqual(texts(await harness.say('paramètres annonces peut-être', { ...at(), ...moderator })), [say.settingsYesNo('annonces')]);
    assert.deepEqual(texts(await harness.say('paramètres bases', { ...at(), ...moderator })), [say.settingsUsage()]);
  });
});

describe('command parser: paramètres', () => {
  const prefixes = prefixTable([{ id: 'hr', prefixes: ['rh'] }]);
  it('reads the command with and without settings, and keeps questions as questions', () => {
    assert.deepEqual(parseInput('paramètres', prefixes), { type: 'settings', text: '' });
    assert.deepEqual(parseInput('Paramètres bases rh,code', prefixes), { type: 'settings', text: 'bases rh,code' });
    assert.deepEqual(parseInput('/parametres avis "Bonjour"', prefixes), { type: 'settings', text: 'avis "Bonjour"' });
    assert.equal(parseInput('paramètres du calcul de la prime ?', prefixes).type, 'question');
  });
});
