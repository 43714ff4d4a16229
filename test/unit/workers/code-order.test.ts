import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { articleNumberKey, compareArticleNumbers } from '../../../knowledge/analysis/article-references.ts';
import { chunkDocument } from '../../../knowledge/ingestion/chunker.ts';
import { loadJsonl } from '../../../knowledge/ingestion/loaders/jsonl-loader.ts';
import type { VectorStore } from '../../../knowledge/ports/vector-store.ts';
import type { Chunk } from '../../../knowledge/types.ts';
import { codeSections } from '../../../worker/summarisation/summary-sources.ts';

/** Article ranges follow the code's own order (Légifrance's), from the source file or, failing that, by number. */

const CORPUS = new URL('../../../../shared/corpus/code_douanes.jsonl', import.meta.url);
const CODE = 'Code des douanes';

/** Légifrance, Code des douanes in force on 2024-01-15, articles 60 to 67 bis. */
const SIXTY_TO_SIXTY_SEVEN_BIS = [
  '60', '60-1', '60-2', '60-3', '60-4', '60-5', '60-6', '60-7', '60-8', '60-9', '60-10', '60 bis', '61', '61 bis', '62', '63', '63 bis',
  '63 ter', '64', '64 A', '64 B', '65', '65 bis', '65 bis A', '65 ter', '65 quater', '65 quinquies', '65 A', '65 A bis', '65 B', '65 C',
  '66', '66 bis', '67', '67-1', '67 bis',
];

async function corpusChunks(): Promise<Chunk[]> {
  const loaded = await loadJsonl(readFileSync(CORPUS), { source: 'code_douanes.jsonl', displayName: 'code_douanes.jsonl', defaultClassification: 'public' });
  return loaded.documents.flatMap((document) => chunkDocument(document, 'legal', 4_000));
}

/** A store that lists chunks in whatever order it is given (as Qdrant does). */
function storeOf(chunks: Chunk[]): VectorStore {
  return { listChunks: async () => chunks } as unknown as VectorStore;
}

function shuffled<T>(items: T[]): T[] {
  // Deterministic: reversed, then every other one first.
  const reversed = [...items].reverse();
  return [...reversed.filter((_, index) => index % 2 === 0), ...reversed.filter((_, index) => index % 2 === 1)];
}

function numbersOf(sections: Array<{ heading: string }>): string[] {
  return sections.map((section) => section.heading.replace(/^Article /, ''));
}

describe('code order of article ranges', () => {
  describe('compareArticleNumbers', () => {
    it('orders 60 → 67 bis as Légifrance does', () => {
      assert.deepEqual(shuffled(SIXTY_TO_SIXTY_SEVEN_BIS).sort(compareArticleNumbers), SIXTY_TO_SIXTY_SEVEN_BIS);
    });

    const pairs: Array<[string, string]> = [
      ['60-1', '60 bis'],
      ['60-9', '60-10'],
      ['60-10', '60 bis'],
      ['60 bis', '61'],
      ['64', '64 A'],
      ['65 quinquies', '65 A'],
      ['65 A', '65 A bis'],
      ['65 A bis', '65 B'],
      ['67-1', '67 bis'],
      ['67 bis', '67 bis-1'],
      ['67 bis-1', '67 bis-2'],
      ['67 bis-5', '67 ter'],
      ['67 ter', '67-0 quater'],
      ['67-0 quater', '67 quater'],
      ['322', '322-0 bis'],
      ['322-0 bis', '322-00 bis'],
      ['322-00 bis', '322 bis'],
      ['59 septdecies', '59 octodecies'],
      ['59 octodecies', '59 novodecies'],
      ['L112-2', 'L112-10'],
      ['L. 621-1', 'R621-1'],
      ['R. 12', 'D13'],
    ];
    for (const [before, after] of pairs) {
      it(`"${before}" < "${after}"`, () => {
        assert.ok(compareArticleNumbers(before, after) < 0);
        assert.ok(compareArticleNumbers(after, before) > 0);
      });
    }

    it('tells "67 A" from "67" and "67 bis-1 A" from "67 bis-1"', () => {
      assert.notEqual(compareArticleNumbers('67 A', '67'), 0);
      assert.notEqual(articleNumberKey('67 A'), articleNumberKey('67'));
      assert.notEqual(articleNumberKey('67 bis-1 A'), articleNumberKey('67 bis-1'));
      assert.equal(articleNumberKey('article 60 BIS'), articleNumberKey('60bis'));
      assert.equal(compareArticleNumbers('L. 621-1', 'L621-1'), 0);
    });
  });

  describe('codeSections on the real Code des douanes', function () {
    before(function () {
      if (!existsSync(CORPUS)) this.skip();
    });

    it('"articles 60 à 67 bis" from a store that keeps no order: the source order, 67-1 in, 67 A–F and 67 bis-1… out', async () => {
      const chunks = await corpusChunks();
      const { sections } = await codeSections(storeOf(shuffled(chunks)), 'legal', CODE, { type: 'articles', from: '60', to: '67 bis' });
      assert.deepEqual(numbersOf(sections), SIXTY_TO_SIXTY_SEVEN_BIS);
    });

    it('falls back on the number order when the store has no source positions (base ingested before)', async () => {
      const chunks = (await corpusChunks()).map((chunk) => ({ ...chunk, article: { code: chunk.article!.code, number: chunk.article!.number } }));
      const { sections } = await codeSections(storeOf(shuffled(chunks)), 'legal', CODE, { type: 'articles', from: '60', to: '67 bis' });
      assert.deepEqual(numbersOf(sections), SIXTY_TO_SIXTY_SEVEN_BIS);
    });

    it('keeps the source order where no rule gives it ("67 ter A" … "67 ter D" before "67 ter")', async () => {
      const chunks = await corpusChunks();
      const { sections } = await codeSections(storeOf(shuffled(chunks)), 'legal', CODE, { type: 'articles', from: '67 bis-5', to: '67 quater' });
      assert.deepEqual(numbersOf(sections), ['67 bis-5', '67 ter A', '67 ter B', '67 ter C', '67 ter D', '67 ter', '67-0 quater', '67 quater']);
    });

    it('takes a range written backwards ("67 bis à 60") as the same range', async () => {
      const { sections } = await codeSections(storeOf(await corpusChunks()), 'legal', CODE, { type: 'articles', from: '67 bis', to: '60' });
      assert.deepEqual(numbersOf(sections), SIXTY_TO_SIXTY_SEVEN_BIS);
    });

    it('refuses an end that is not an article of the code ("67 Z")', async () => {
      await assert.rejects(codeSections(storeOf(await corpusChunks()), 'legal', CODE, { type: 'articles', from: '60', to: '67 Z' }), { code: 'ARTICLES_NOT_FOUND' });
    });
  });
});
