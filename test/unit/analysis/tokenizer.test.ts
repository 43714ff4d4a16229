import assert from 'node:assert/strict';
import { foldText } from '../../../knowledge/analysis/normalise.ts';
import { tokenize } from '../../../knowledge/analysis/tokenizer.ts';

const texts = (input: string) => tokenize(input).map((token) => token.text);
const references = (input: string) => tokenize(input).filter((token) => token.reference).map((token) => token.text);

describe('analysis: character folding', () => {
  it('lower-cases and removes accents, cedillas and diaereses', () => {
    assert.equal(foldText('Déclaration ÉTÉ à Noël, façon Maïs, forêt, où'), 'declaration ete a noel, facon mais, foret, ou');
  });

  it('expands the ligatures œ, æ (both cases) and ß', () => {
    assert.equal(foldText('Œuvre, cœur, Ægide, ex æquo, Straße'), 'oeuvre, coeur, aegide, ex aequo, strasse');
  });

  it('turns typographic apostrophes, dashes and non-breaking spaces into plain ones', () => {
    assert.equal(foldText('l’agent l‘autre procès‑verbal L\u2013621 10\u00a0000\u202f€'), "l'agent l'autre proces-verbal l-621 10 000 €");
  });
});

describe('analysis: tokenizer', () => {
  it('splits words on punctuation and folds them', () => {
    assert.deepEqual(texts('Contrôle des VOYAGEURS : bagages, véhicules.'), ['controle', 'des', 'voyageurs', 'bagages', 'vehicules']);
  });

  it('separates elided articles and pronouns at the apostrophe (straight or curly)', () => {
    assert.deepEqual(texts("l'agent d’une qu'il jusqu'au lorsqu'on"), ['l', 'agent', 'd', 'une', 'qu', 'il', 'jusqu', 'au', 'lorsqu', 'on']);
  });

  it('keeps "60 bis" and "60bis" as the same single reference token', () => {
    assert.deepEqual(references('article 60 bis'), ['60bis']);
    assert.deepEqual(references('article 60bis'), ['60bis']);
    assert.deepEqual(texts('article 60 bis'), ['article', '60bis']);
  });

  it('normalises legislative references: "L. 621-1", "L.621-1", "L 621-1" and "L621-1" give "l621-1"', () => {
    for (const written of ['L. 621-1', 'L.621-1', 'L 621-1', 'L621-1']) assert.deepEqual(texts(written), ['l621-1'], written);
  });

  it('keeps hyphenated numbers whole ("323-1", "R. 152-1")', () => {
    assert.deepEqual(references('les articles 323-1 et R. 152-1'), ['323-1', 'r152-1']);
  });

  it('does not take a word ending in l/r/d before a number as a reference prefix', () => {
    assert.deepEqual(texts('total 414'), ['total', '414']);
  });

  it('does not split an amount written with a thousands separator ("10 000", "1 500 000")', () => {
    assert.deepEqual(references('une somme de 10 000 euros'), ['10000']);
    assert.deepEqual(references('10\u202f000 €'), ['10000']);
    assert.deepEqual(references('1 500 000 euros'), ['1500000']);
  });

  it('does not merge two separate article numbers', () => {
    assert.deepEqual(references('articles 414, 415 et 2019'), ['414', '415', '2019']);
  });

  it('keeps other Latin suffixes (ter, quater) and refuses a suffix glued to a longer word', () => {
    assert.deepEqual(references('articles 67 ter et 67 quater'), ['67ter', '67quater']);
    assert.deepEqual(texts('5 terrains'), ['5', 'terrains']);
  });

  it('returns nothing for text without letters or digits', () => {
    assert.deepEqual(tokenize(' ?! … — '), []);
  });
});
