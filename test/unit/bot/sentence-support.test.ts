import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateSupport, parseSupportPairs } from '../../../knowledge/answering/support-evaluation.ts';
import { passageEvidence, supportScore, SUPPORT_THRESHOLD } from '../../../knowledge/answering/sentence-support.ts';

const PAIRS = parseSupportPairs(readFileSync(new URL('../../fixtures/citations/support-pairs.jsonl', import.meta.url), 'utf8'));

describe('support of a sentence by a passage (lexical entailment)', () => {
  const passage = passageEvidence('La durée de la retenue douanière ne peut excéder vingt-quatre heures.');

  it('scores a faithful paraphrase high and an off-topic sentence low', () => {
    assert.ok(supportScore('La retenue douanière ne peut pas excéder vingt-quatre heures.', passage).score >= SUPPORT_THRESHOLD);
    assert.ok(supportScore('Le fonctionnaire a droit à un congé annuel.', passage).score < SUPPORT_THRESHOLD);
  });

  it('meets digits and number words, and halves the score of a number the passage lacks', () => {
    assert.deepEqual(supportScore('La retenue douanière dure au plus 24 heures.', passage).missing.filter((key) => key.startsWith('#')), []);
    assert.ok(supportScore('La retenue douanière dure au plus 48 heures.', passage).score < SUPPORT_THRESHOLD);
  });

  it('reads « ne … que » as a restriction, not a negation', () => {
    const restricted = passageEvidence('Les agents ne peuvent procéder au placement en retenue qu’en cas de flagrant délit.');
    assert.deepEqual(supportScore('Les agents ne peuvent placer une personne en retenue qu’en cas de flagrant délit.', restricted).missing.filter((key) => key.startsWith('!')), []);
    assert.deepEqual(supportScore('Les agents ne peuvent pas placer une personne en retenue.', restricted).missing.filter((key) => key.startsWith('!')), ['!plac']);
  });

  it(`classifies the ${PAIRS.length} committed pairs of the real corpus: precision and recall ≥ 0.9, supported sentences kept ≥ 0.95`, () => {
    assert.ok(PAIRS.length >= 60);
    const evaluation = evaluateSupport(PAIRS);
    const wrong = evaluation.wrong.map((pair) => `${pair.supported ? 'removed' : 'kept'} ${pair.score.toFixed(2)} « ${pair.sentence} »`).join('\n');
    assert.ok(evaluation.precision >= 0.9 && evaluation.recall >= 0.9 && evaluation.kept >= 0.95, `${JSON.stringify({ ...evaluation, wrong: undefined })}\n${wrong}`);
  });
});
