import assert from 'node:assert/strict';
import { changeLines, describeChange, markedText } from '../../../knowledge/versions/change-summary.ts';
import { sideOf, tokenize, wordDiff } from '../../../knowledge/versions/word-diff.ts';

describe('word-level comparison of two versions', () => {
  const before = "une amende comprise entre une et deux fois la valeur de l'objet de fraude.";
  const after = "une amende comprise entre une et trois fois la valeur de l'objet de la fraude, et des biens.";

  it('reports the changed words only, and gives both texts back exactly', () => {
    const changes = wordDiff(before, after);
    assert.deepEqual(changes, [
      { op: 'equal', text: 'une amende comprise entre une et ' },
      { op: 'delete', text: 'deux' },
      { op: 'insert', text: 'trois' },
      { op: 'equal', text: " fois la valeur de l'objet de " },
      { op: 'insert', text: 'la ' },
      { op: 'equal', text: 'fraude' },
      { op: 'insert', text: ', et des biens' },
      { op: 'equal', text: '.' },
    ]);
    assert.equal(sideOf(changes, 'before'), before);
    assert.equal(sideOf(changes, 'after'), after);
  });

  it('handles identical, empty and wholly different texts', () => {
    assert.deepEqual(wordDiff('même texte', 'même texte'), [{ op: 'equal', text: 'même texte' }]);
    assert.deepEqual(wordDiff('', 'ajouté'), [{ op: 'insert', text: 'ajouté' }]);
    assert.deepEqual(wordDiff('retiré', ''), [{ op: 'delete', text: 'retiré' }]);
    assert.deepEqual(wordDiff('', ''), []);
    assert.deepEqual(wordDiff('alpha', 'beta'), [{ op: 'delete', text: 'alpha' }, { op: 'insert', text: 'beta' }]);
  });

  it('joins two replacements separated by a space into one ("deux fois" → "trois mois")', () => {
    assert.deepEqual(wordDiff('pour deux fois la valeur', 'pour trois mois la valeur'), [
      { op: 'equal', text: 'pour ' },
      { op: 'delete', text: 'deux fois' },
      { op: 'insert', text: 'trois mois' },
      { op: 'equal', text: ' la valeur' },
    ]);
  });

  it('stays exact and bounded on long texts (paragraph by paragraph past the table limit)', () => {
    const paragraph = (index: number, word: string) => `Paragraphe ${index} : ${Array.from({ length: 40 }, (_, i) => `${word}${i % 7}`).join(' ')}.`;
    const a = Array.from({ length: 150 }, (_, index) => paragraph(index, 'mot')).join('\n\n');
    const b = Array.from({ length: 150 }, (_, index) => paragraph(index, index === 75 ? 'terme' : 'mot')).join('\n\n');
    assert.ok(tokenize(a).length * tokenize(b).length > 16_000_000, 'large enough to take the paragraph path');
    const changes = wordDiff(`X ${a}`, `Y ${b}`);
    assert.equal(sideOf(changes, 'before'), `X ${a}`);
    assert.equal(sideOf(changes, 'after'), `Y ${b}`);
  });

  it('marks the text up for the terminal and lists changes in context for the chat', () => {
    const changes = wordDiff(before, after);
    assert.equal(markedText(changes), "une amende comprise entre une et [-deux-]{+trois+} fois la valeur de l'objet de {+la +}fraude{+, et des biens+}.");
    const lines = changeLines(changes).map((line) => describeChange(line));
    assert.deepEqual(lines, [
      'après « …une amende comprise entre une et » : « deux » devient « trois »',
      "après « …fois la valeur de l'objet de » : ajout de « la »",
      'après « …fraude » : ajout de « , et des biens »',
    ]);
  });
});
