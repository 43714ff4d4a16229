import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AnswerEvalQuestionSchema, EvalQuestionSchema, type EvalQuestion } from '../../../knowledge/evaluation.ts';

const EVAL = fileURLToPath(new URL('../../fixtures/eval/', import.meta.url));
/** The shared corpus sits next to the repository (`../shared/corpus` from the root); absent on some machines. */
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

interface FrozenSet {
  folder: string;
  /** SHA-256 of every file: any edit after freezing must show up here. */
  files: Record<string, string>;
  minimum: { legal: number; hr: number; outOfScope: number };
}

/**
 * The field sets run once and never tuned on (field2), or tuned on one half and reported on the other (field3, field4), or run once whole after the others were spent (field5, field6):
 * see each folder's README.
 */
const SETS: FrozenSet[] = [
  {
    folder: 'field2',
    files: {
      'legal.jsonl': '1d6da6da6f19d283f2c1b65b6e5ad85d6c237856c4472c4e7cc614b8ee298c71',
      'hr.jsonl': '924df455de7b5fa689750a526145048452cb776a1d3b1ce17f0b2af5dbb7809b',
      'out-of-scope.jsonl': '649522f35d4db8fab90910887f510dbcb4ca1dad306c5e121d9fac029bffec8e',
    },
    minimum: { legal: 80, hr: 70, outOfScope: 25 },
  },
  {
    folder: 'field3',
    files: {
      'legal.jsonl': 'ae4ea64a7ee43ee8905773daaadce571a5ae2fe19e1dd79622fb40c53efcd15b',
      'hr.jsonl': '0792bf00e1a411043d0107ba12d0517bbd6b42dc68f818077883ae3afdcbc02f',
      'out-of-scope.jsonl': 'd716c84f672c1c9e98de5b545bdc2a97944f5f4309bf2ab190bddbae2a834f86',
      'legal-tune.jsonl': '795afd4ac4def886a95dbea5d331167dc606febd43da41bbd6a6f2bc7e63b58e',
      'legal-holdout.jsonl': 'eb1fee2df0bdfaaf80c53338aea2326168c89238779c7cb550753f6d81bb57ff',
      'hr-tune.jsonl': 'dd804d52ae9367013febfced6e9aa68fecfac8c9ab30ffcf1f464e4227a3bcd0',
      'hr-holdout.jsonl': 'f67aba504aa62b163860f1274c3a7c68f231c5d81e27af56d900f83f60217d4e',
      'out-of-scope-tune.jsonl': '553ea378f0b641064f86fe830f1ba42190aa68eed231a393070626d738ff0310',
      'out-of-scope-holdout.jsonl': 'ae548fbd05b181127e8d3eae09ec3d0bc708d25805ba7df1cd0f69430a69f20f',
      'near-repeats.json': '01179f3e77d0154fb9d34e182d84723ee50b2c9b683191a20be198cf14d789bd',
    },
    minimum: { legal: 110, hr: 80, outOfScope: 30 },
  },
  {
    folder: 'field4',
    files: {
      'legal.jsonl': 'be12f394737ae48baa414b33d68e0d552157de3f7f65dc95cbb52c97e937a8de',
      'hr.jsonl': '65c7b7a4d072e45ffea62e3043c1990db98db13ec29c935ebf437dd8421f6f29',
      'out-of-scope.jsonl': '406aad35c2aca25e0085b3a66c187a8474d76d1483e22010435b74b4d892f3fc',
      'legal-tune.jsonl': '063daf3327eaea2b1d383980679550c32ae1f36386a1eb8cca1b85d1642269df',
      'legal-holdout.jsonl': '638153a33b3ee43a3dd0445b8f9010ea9ffe694e00e457758783cfce90681e3b',
      'hr-tune.jsonl': '685632c8d79318d76b7282a7f4f0c89208e140f2516029ac4cbdb2697fb03018',
      'hr-holdout.jsonl': '298f39adb84ee2e0600002bafdf4a3424ff711fba3c1728a22788fbc77a29b51',
      'out-of-scope-tune.jsonl': '61669f2c741f84062dc9f3a59f39009f1c48155d91670e3ecee89572b6efc42a',
      'out-of-scope-holdout.jsonl': 'f65becfa02f137fee27a75f898d19b7dcaa7fb13b9b1816614b6bb8bb54ab3fb',
      'near-repeats.json': 'eab6c59d7e838df42d75574e6ca91448c4611855bdb3240d6d337d65022424ac',
    },
    minimum: { legal: 110, hr: 100, outOfScope: 30 },
  },
  {
    folder: 'field5',
    files: {
      'legal.jsonl': '381c0df7e8d97edff8b0e42cbb5089755979d54d0d0cdb0c32a04ded5d5851e4',
      'hr.jsonl': 'aeb6f1da75cba281e9ac8bee8d06d5bea6e51a68daee70f8dc4f2afdf210ddc5',
      'out-of-scope.jsonl': 'e8cd2c4427e89d5b0c9229a1ba181091aa06a1ea2e5d02b44ee063b793420d3c',
      'near-repeats.json': '712496257218afefb6501b5b8b8873ad80c5502d78da16e8642fe869991df09f',
    },
    minimum: { legal: 280, hr: 150, outOfScope: 40 },
  },
  {
    folder: 'field6',
    files: {
      'legal.jsonl': 'fa4f32315e18e3cb70517c8a3828b9946e54f924858f614fc1309cd9b635c1ee',
      'hr.jsonl': '476ce1eab2881ec9398240dcd81d8d43395771d856091c3921aa974260d910f7',
      'out-of-scope.jsonl': '672fc1135a67700fd462f4e84a4d302aa65f54f81781f7c24c86c9922a1c9d03',
      'near-repeats.json': '209c563b27b0a842de798c2559b38d1c36a31f71c5bfea990a82c8c778f389be',
    },
    minimum: { legal: 150, hr: 130, outOfScope: 40 },
  },
];

/** Corpus files whose ids each base's questions may cite (the sources of that base in config/knowledge-bases.yaml). */
const SOURCES: Record<string, string[]> = {
  legal: ['code_douanes.jsonl', 'code_impositions_biens_services.jsonl'],
  hr: ['code_general_fonction_publique.jsonl', 'code_pensions_civiles_militaires.jsonl', 'hr_faq_cisirh.jsonl'],
};

interface LabelledLine extends EvalQuestion {
  evidence: string;
}

/** Whitespace and apostrophes as the corpus README normalises them. */
const normalise = (text: string): string => text.replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();

for (const set of SETS) {
  const folder = EVAL + set.folder + '/';
  const lines = (file: string): unknown[] => readFileSync(folder + file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  const labelled = (file: string): LabelledLine[] =>
    lines(file).map((raw) => ({ ...EvalQuestionSchema.parse(raw), evidence: String((raw as { evidence?: unknown }).evidence ?? '') }));

  describe(`the frozen field evaluation set ${set.folder}`, () => {
    for (const [file, sha] of Object.entries(set.files)) {
      it(`${file} is unchanged since it was frozen`, () => {
        assert.equal(createHash('sha256').update(readFileSync(folder + file)).digest('hex'), sha);
      });
    }

    it('has the announced sizes, unique ids, one base per file and no label on out-of-scope lines', () => {
      const legal = labelled('legal.jsonl');
      const hr = labelled('hr.jsonl');
      const outOfScope = lines('out-of-scope.jsonl').map((raw) => AnswerEvalQuestionSchema.parse(raw));
      assert.ok(legal.length >= set.minimum.legal, `legal: ${legal.length}`);
      assert.ok(hr.length >= set.minimum.hr, `hr: ${hr.length}`);
      assert.equal(outOfScope.length, set.minimum.outOfScope);
      assert.ok(legal.every((question) => question.kb === 'legal' && question.evidence.length > 0));
      assert.ok(hr.every((question) => question.kb === 'hr' && question.evidence.length > 0));
      assert.ok(outOfScope.every((question) => question.relevant_ids === undefined && question.kb === undefined));
      const ids = [...legal, ...hr, ...outOfScope].map((question) => question.id);
      assert.equal(new Set(ids).size, ids.length);
    });

    if (set.files['legal-tune.jsonl']) {
      it('splits each file into two disjoint halves that together make the whole file', () => {
        for (const name of ['legal', 'hr', 'out-of-scope']) {
          const whole = readFileSync(`${folder}${name}.jsonl`, 'utf8').trim().split('\n').sort();
          const halves = [`${name}-tune.jsonl`, `${name}-holdout.jsonl`].map((file) => readFileSync(folder + file, 'utf8').trim().split('\n'));
          assert.deepEqual([...halves[0]!, ...halves[1]!].sort(), whole, name);
          assert.ok(Math.abs(halves[0]!.length - halves[1]!.length) <= 1, name);
        }
      });
    }

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
        const questions = labelled(`${kb}.jsonl`);
        const missing = questions.flatMap((question) => question.relevant_ids.filter((id) => !texts.has(id)).map((id) => `${question.id}: ${id}`));
        assert.deepEqual(missing, [], `${kb}: ids absent from ${files.join(', ')}`);
        const unquoted = questions.filter((question) => !texts.get(question.relevant_ids[0]!)!.includes(normalise(question.evidence))).map((question) => question.id);
        assert.deepEqual(unquoted, [], `${kb}: evidence not found in the first relevant article`);
      }
    });
  });
}
