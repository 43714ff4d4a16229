import assert from 'node:assert/strict';
import { parseInput, prefixTable } from '../../../bots/commands/command-parser.ts';
import { loadConfig } from '../../../config/load-config.ts';

const config = loadConfig({ env: { PASSERELLE_DATA_DIR: '/nonexistent-passerelle' } });
const prefixes = prefixTable(config.knowledgeBases);

describe('command parser', () => {
  for (const text of ['aide', 'Aide', 'help', '/aide', '/help', '?', '  aide  ']) {
    it(`reads « ${text} » as the help command`, () => assert.deepEqual(parseInput(text, prefixes), { type: 'help' }));
  }

  for (const [text, type] of [['sources', 'sources'], ['/sources', 'sources'], ['oublie', 'forget'], ['/oublie', 'forget'], ['reset', 'forget']] as const) {
    it(`reads « ${text} » as ${type}`, () => assert.deepEqual(parseInput(text, prefixes), { type }));
  }

  it('reads « avis … » as feedback with its text, and a bare « avis » as empty feedback', () => {
    assert.deepEqual(parseInput('avis la réponse sur les congés est incomplète', prefixes), { type: 'feedback', text: 'la réponse sur les congés est incomplète' });
    assert.deepEqual(parseInput('/avis   ', prefixes), { type: 'feedback', text: '' });
    assert.deepEqual(parseInput('avis', prefixes), { type: 'feedback', text: '' });
  });

  for (const [text, kb, question] of [
    ['code: que dit l’article 414 ?', 'legal', 'que dit l’article 414 ?'],
    ['/code que dit l’article 414 ?', 'legal', 'que dit l’article 414 ?'],
    ['rh : combien de jours de congés ?', 'hr', 'combien de jours de congés ?'],
    ['RH: combien de jours de congés ?', 'hr', 'combien de jours de congés ?'],
    ['procédures: contrôle des voyageurs', 'procedures', 'contrôle des voyageurs'],
    ['procedures : contrôle des voyageurs', 'procedures', 'contrôle des voyageurs'],
    ['ressources humaines : temps partiel', 'hr', 'temps partiel'],
  ] as const) {
    it(`forces base ${kb} for « ${text} »`, () => assert.deepEqual(parseInput(text, prefixes), { type: 'question', text: question, kb }));
  }

  it('reads an unknown slash command as unknown, with its name', () => {
    assert.deepEqual(parseInput('/xyz', prefixes), { type: 'unknown-command', name: 'xyz' });
    assert.deepEqual(parseInput('/xyz quelque chose', prefixes), { type: 'unknown-command', name: 'xyz' });
  });

  it('keeps an unknown prefix as a question of its own, noting the prefix', () => {
    assert.deepEqual(parseInput('zzz: que dit l’article 414 ?', prefixes), { type: 'question', text: 'zzz: que dit l’article 414 ?', unknownPrefix: 'zzz' });
  });

  it('reads ordinary questions as questions, even when they start with a command word', () => {
    for (const text of ['Quels sont les pouvoirs des agents ?', 'sources du droit douanier ?', 'aide-moi à comprendre l’article 60', 'Article 414 : quelles sanctions ?']) {
      const parsed = parseInput(text, prefixes);
      assert.equal(parsed.type, 'question', text);
      assert.ok(parsed.type === 'question' && parsed.kb === undefined && parsed.unknownPrefix === undefined, text);
    }
  });
});
