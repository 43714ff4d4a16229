import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import { surfaceTokens } from '../../../knowledge/analysis/french-analyser.ts';
import { Lexicon, loadDefaultLexicon } from '../../../knowledge/analysis/lexicon.ts';

const expand = (lexicon: Lexicon, query: string) => lexicon.expansionsFor(surfaceTokens(query));

describe('analysis: lexicon', () => {
  describe('the team lexicon (lexicon.yaml)', () => {
    const lexicon = loadDefaultLexicon();

    it('maps a phrase containing a stop word: "garde à vue" → "retenue douanière"', () => {
      // "combien de temps" is itself an entry (→ délai, durée) since the customs vocabulary was added.
      assert.deepEqual(expand(lexicon, 'Combien de temps dure une garde à vue ?'), ['délai', 'durée', 'retenue douanière']);
    });

    it('matches whatever the case and accents of the query', () => {
      assert.deepEqual(expand(lexicon, 'GARDE A VUE'), ['retenue douanière']);
    });

    it('needs the whole phrase, in order', () => {
      assert.deepEqual(expand(lexicon, 'une garde du corps à vue'), []);
      assert.deepEqual(expand(lexicon, 'vue à garde'), []);
    });

    it('works both ways for `both: true` entries (PV ↔ procès-verbal)', () => {
      assert.deepEqual(expand(lexicon, 'qui signe le PV ?'), ['procès-verbal']);
      assert.deepEqual(expand(lexicon, 'qui signe le procès-verbal ?'), ['PV']);
    });

    it('works one way only otherwise (fouille → visite, not visite → fouille)', () => {
      // Was "fouille des bagages": "bagage" is now an entry of its own (→ voyageurs, usage personnel).
      assert.deepEqual(expand(lexicon, 'fouille du véhicule'), ['visite']);
      assert.deepEqual(expand(lexicon, 'visite du véhicule'), []);
    });

    it('collects the expansions of several phrases once each', () => {
      assert.deepEqual(expand(lexicon, 'fouille et fouille en garde à vue'), ['visite', 'retenue douanière']);
    });

    it('is loaded once', () => {
      assert.equal(loadDefaultLexicon(), lexicon);
    });
  });

  describe('Lexicon.fromYaml', () => {
    it('builds rules from entries, `both` defaulting to false', () => {
      const lexicon = Lexicon.fromYaml('entries:\n  - { from: mi-temps, to: [temps partiel] }\n  - { from: CET, to: [compte épargne-temps], both: true }\n');
      assert.deepEqual(expand(lexicon, 'un mi-temps'), ['temps partiel']);
      assert.deepEqual(expand(lexicon, 'temps partiel'), []);
      assert.deepEqual(expand(lexicon, 'mon compte epargne temps'), ['CET']);
    });

    const malformed: Array<[string, string]> = [
      ['an entry without "to"', 'entries:\n  - { from: fouille }\n'],
      ['an empty "to" list', 'entries:\n  - { from: fouille, to: [] }\n'],
      ['an empty "from"', "entries:\n  - { from: '', to: [visite] }\n"],
      ['"both" that is not a boolean', 'entries:\n  - { from: fouille, to: [visite], both: oui }\n'],
      ['no "entries" key', 'regles: []\n'],
    ];
    for (const [what, yaml] of malformed) {
      it(`rejects ${what} with a zod error`, () => assert.throws(() => Lexicon.fromYaml(yaml), ZodError));
    }

    it('rejects YAML that does not parse', () => {
      assert.throws(() => Lexicon.fromYaml('entries: [ { from: fouille, to: [visite }'), /./);
    });
  });
});
