import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectProceduralDrafting } from '../../../knowledge/policies/procedural-acts.ts';
import { accuracyOf, actAccuracy, parseWordings, REQUEST_SETS } from '../../../knowledge/policies/request-evaluation.ts';

/**
 * The request classifiers measured on the committed sets of `test/fixtures/policies/requests/` (≥ 60
 * wordings each; README there). Each set has a `tune` part, the only one run and read while the classifiers
 * were written, and a `holdout` part, written at the same time as the tune part and before any classifier
 * code, that was not looked at while tuning and was measured once at the end (drafting 22/22, questions about
 * acts 22/22, qualification 21/22, ordinary 22/22). Both parts must stay ≥ 95 % right; what "right" means is
 * in knowledge/policies/request-evaluation.ts.
 */

const load = (name: string) => parseWordings(readFileSync(new URL(`../../fixtures/policies/requests/${name}.jsonl`, import.meta.url), 'utf8'));

describe('request classifiers on the committed sets', () => {
  for (const set of REQUEST_SETS) {
    const wordings = load(set.name);
    it(`${set.name}: ≥ 60 wordings, both parts present`, () => {
      assert.ok(wordings.length >= 60, `${wordings.length}`);
      assert.ok(wordings.some((w) => w.part === 'tune') && wordings.some((w) => w.part === 'holdout'));
    });
    for (const part of ['tune', 'holdout'] as const) {
      it(`${set.name} (${part}): ≥ 95 % ${set.expected}`, () => {
        const { accuracy, wrong } = accuracyOf(set, wordings.filter((w) => w.part === part));
        assert.ok(accuracy >= 0.95, `${accuracy}; wrong:\n${wrong.map((w) => w.text).join('\n')}`);
      });
    }
  }

  it('names the act the request is about in ≥ 90 % of the refusals, with the reasons that decided', () => {
    const wordings = load('drafting-requests');
    const { accuracy, wrong } = actAccuracy(wordings);
    assert.ok(accuracy >= 0.9, wrong.map((w) => `${w.text} → ${detectProceduralDrafting(w.text)?.act}`).join('\n'));
    for (const w of wordings) assert.ok((detectProceduralDrafting(w.text)?.reasons.length ?? 0) > 0 || wrong.includes(w));
  });
});
