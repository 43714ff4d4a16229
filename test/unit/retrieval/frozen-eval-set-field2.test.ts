import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AnswerEvalQuestionSchema, EvalQuestionSchema, type EvalQuestion } from '../../../knowledge/evaluation.ts';

const FIELD2 = fileURLToPath(new URL('../../fixtures/eval/field2/', import.meta.url));
/** The shared corpus sits next to the repository (`../shared/corpus` from the root); absent on some machines. */
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

/**
 * The second field set is run once, at the end, and never tuned on (see its README): any edit after freezing
 * must show up here.
 */
const FROZEN: Record<string, string> = {
  'legal.jsonl': '1d6da6da6f19d283f2c1b65b6e5ad85d6c237856c4472c4e7cc614b8ee298c71',
  'hr.jsonl': '924df455de7b5fa689750a526145048452cb776a1d3b1ce17f0b2af5dbb7809b',
  'out-of-scope.jsonl': '649522f35d4db8fab90910887f510dbcb4ca1dad306c5e121d9fac029bffec8e',
};

/** Corpus files whose ids each base's questions may cite (the sources of that base in config/knowledge-bases.yaml). */
const SOURCES: Record<string, string[]> = {
  legal: ['code_douanes.jsonl', 'code_impositions_biens_services.jsonl'],
  hr: ['code_general_fonction_publique.jsonl', 'code_pensions_civiles_militaires.jsonl', 'hr_faq_cisirh.jsonl'],
};

interface LabelledLine extends EvalQuestion {
  evidence: string;
}

const lines = (file: string): unknown[] => readFileSync(FIELD2 + file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
const labelled = (kb: string): LabelledLine[] =>
  lines(`${kb}.jsonl`).map((raw) => ({ ...EvalQuestionSchema.parse(raw), evidence: String((raw as { evidence?: unknown }).evidence ?? '') }));
/** Whitespace and apostrophes as the corpus README normalises them. */
const normalise = (text: string): string => text.replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();

describe('the frozen second field evaluation set (field2)', () => {
  for (const [file, sha] of Object.entries(FROZEN)) {
    it(`${file} is unchanged since it was frozen`, () => {
      assert.equal(createHash('sha256').update(readFileSync(FIELD2 + file)).digest('hex'), sha);
    });
  }

  it('has the announced sizes, unique ids, one base per file and no label on out-of-scope lines', () => {
    const legal = labelled('legal');
    const hr = labelled('hr');
    const outOfScope = lines('out-of-scope.jsonl').map((raw) => AnswerEvalQuestionSchema.parse(raw));
    assert.ok(legal.length >= 80, `legal: ${legal.length}`);
    assert.ok(hr.length >= 70, `hr: ${hr.length}`);
    assert.equal(outOfScope.length, 25);
    assert.ok(legal.every((question) => question.kb === 'legal' && question.evidence.length > 0));
    assert.ok(hr.every((question) => question.kb === 'hr' && question.evidence.length > 0));
    assert.ok(outOfScope.every((question) => question.relevant_ids === undefined && question.kb === undefined));
    const ids = [...legal, ...hr, ...outOfScope].map((question) => question.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('cites only ids of its own base that exist in the shared corpus, with the evidence quoted from the first one', function () {
    if (!existsSync(CORPUS)) this.skip();
    for (const [kb, files] of Object.entries(SOURCES)) {
      const texts = new Map<string, string>();
      for (const file of files) {
        for (const line of readFileSync(CORPUS + file, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const record = JSON.parse(line) as { id: string; text?: string; answer?: string };
          texts.set(record.id, normalise(record.text ?? record.answer ?? ''));
        }
      }
      const questions = labelled(kb);
      const missing = questions.flatMap((question) => question.relevant_ids.filter((id) => !texts.has(id)).map((id) => `${question.id}: ${id}`));
      assert.deepEqual(missing, [], `${kb}: ids absent from ${files.join(', ')}`);
      const unquoted = questions.filter((question) => !texts.get(question.relevant_ids[0]!)!.includes(normalise(question.evidence))).map((question) => question.id);
      assert.deepEqual(unquoted, [], `${kb}: evidence not found in the first relevant article`);
    }
  });
});
