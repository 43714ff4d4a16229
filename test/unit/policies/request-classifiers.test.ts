import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isInfractionQualification } from '../../../knowledge/policies/infraction-qualification.ts';
import { detectProceduralDrafting } from '../../../knowledge/policies/procedural-acts.ts';

/**
 * The request classifiers measured on the committed sets of `test/fixtures/policies/requests/` (≥ 60
 * wordings each; README there). Each set has a `tune` part, the only one run and read while the classifiers
 * were written, and a `holdout` part, written at the same time as the tune part and before any classifier
 * code, that was not looked at while tuning and was measured once at the end. Both must stay ≥ 95 % right.
 *
 * What "right" means follows what the bot does (bots/answer-service.ts): a drafting request is refused
 * (`detectProceduralDrafting` returns the act); a question about an act is not refused; a qualification
 * question is not refused and gets the reservation (`isInfractionQualification`); an ordinary question gets
 * neither.
 */

interface Wording {
  part: 'tune' | 'holdout';
  text: string;
  act?: string;
}

const load = (name: string): Wording[] =>
  readFileSync(new URL(`../../fixtures/policies/requests/${name}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Wording);

const SETS: ReadonlyArray<{ file: string; expected: string; right: (wording: Wording) => boolean }> = [
  { file: 'drafting-requests', expected: 'refused', right: (w) => detectProceduralDrafting(w.text) !== undefined },
  { file: 'act-questions', expected: 'answered, not refused', right: (w) => detectProceduralDrafting(w.text) === undefined },
  {
    file: 'qualification-questions',
    expected: 'answered with the reservation',
    right: (w) => detectProceduralDrafting(w.text) === undefined && isInfractionQualification(w.text),
  },
  {
    file: 'ordinary-questions',
    expected: 'answered, neither refused nor reserved',
    right: (w) => detectProceduralDrafting(w.text) === undefined && !isInfractionQualification(w.text),
  },
];

describe('request classifiers on the committed sets', () => {
  for (const { file, expected, right } of SETS) {
    const wordings = load(file);
    it(`${file}: ≥ 60 wordings, both parts present`, () => {
      assert.ok(wordings.length >= 60, `${wordings.length}`);
      assert.ok(wordings.some((w) => w.part === 'tune') && wordings.some((w) => w.part === 'holdout'));
    });
    for (const part of ['tune', 'holdout'] as const) {
      it(`${file} (${part}): ≥ 95 % ${expected}`, () => {
        const set = wordings.filter((w) => w.part === part);
        const wrong = set.filter((w) => !right(w));
        assert.ok((set.length - wrong.length) / set.length >= 0.95, `${set.length - wrong.length}/${set.length}; wrong:\n${wrong.map((w) => w.text).join('\n')}`);
      });
    }
  }

  it('names the act the request is about in ≥ 90 % of the refusals, with the reasons that decided', () => {
    const wordings = load('drafting-requests');
    const named = wordings.filter((w) => detectProceduralDrafting(w.text)?.act === w.act);
    assert.ok(named.length / wordings.length >= 0.9, wordings.filter((w) => !named.includes(w)).map((w) => `${w.text} → ${detectProceduralDrafting(w.text)?.act}`).join('\n'));
    for (const w of named) assert.ok((detectProceduralDrafting(w.text)?.reasons.length ?? 0) > 0);
  });
});
