import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EvalQuestionSchema } from '../../../knowledge/evaluation.ts';

const FIELD = fileURLToPath(new URL('../../fixtures/eval/field/', import.meta.url));

/** The hold-out halves are reported once: any edit after freezing must show up here. */
const FROZEN: Record<string, string> = {
  'legal-holdout.jsonl': '9bd004e5563ac997cba4db9788c460693711dc8b492f6466eb72f6a6834f74c7',
  'hr-holdout.jsonl': '5ce2804f1628d6b905a1bcc0e72d8ae0d0c0a31e6b620a90a1f571f630377943',
  'out-of-scope-holdout.jsonl': '17e790dd85dbbb3fb4df66444bcac968369f5a4e54bf961544fb31266219038e',
};

describe('the frozen field evaluation set', () => {
  for (const [file, sha] of Object.entries(FROZEN)) {
    it(`${file} is unchanged since it was frozen`, () => {
      assert.equal(createHash('sha256').update(readFileSync(FIELD + file)).digest('hex'), sha);
    });
  }

  it('tuning and hold-out halves are disjoint and every labelled line is a valid question', () => {
    for (const kb of ['legal', 'hr']) {
      const read = (half: string) => readFileSync(`${FIELD}${kb}-${half}.jsonl`, 'utf8').trim().split('\n').map((line) => EvalQuestionSchema.parse(JSON.parse(line)));
      const tune = read('tune');
      const holdout = read('holdout');
      const tuneIds = new Set(tune.map((question) => question.id));
      assert.ok(holdout.every((question) => !tuneIds.has(question.id)));
      assert.ok([...tune, ...holdout].every((question) => question.kb === kb));
      assert.ok(tune.length >= 45 && holdout.length >= 45);
    }
  });
});
