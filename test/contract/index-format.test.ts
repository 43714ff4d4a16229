import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasserelleError } from '../../bots/errors.ts';
import { SparseEncoder } from '../../knowledge/analysis/sparse-encoder.ts';
import { loadDefaultLexicon } from '../../knowledge/analysis/lexicon.ts';
import { documentFields } from '../../knowledge/ingestion/ingestion-service.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import { SqliteVectorStore } from '../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { INDEX_FORMAT } from '../../knowledge/stores/index-format.ts';
import { QdrantStore } from '../../knowledge/stores/qdrant/qdrant-store.ts';
import type { Chunk, Classification } from '../../knowledge/types.ts';
import { startFakeQdrant, type FakeQdrant } from '../fakes/qdrant-server.ts';

/**
 * Versioned indexes, for every store: a base built by a release with another index format is refused with a
 * French message asking for an explicit re-index (never read wrongly, never rebuilt by surprise); the
 * re-index (dropBase, then ingest) makes it usable again.
 */
function indexFormatContract(name: string, open: (format: number) => Promise<VectorStore>): void {
  describe(`index format: ${name}`, function () {
    this.timeout(30_000);
    const encoder = new SparseEncoder(loadDefaultLexicon());
    const filter = { maxClassification: 'diffusion-restreinte' as Classification };
    const kb = `f${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const chunk: Chunk = {
      id: 'A1#0', kb, documentId: 'A1', source: 's.jsonl', kind: 'article', title: 'Article A1', headingPath: [], classification: 'public',
      text: 'Les agents des douanes peuvent procéder à la visite des marchandises.', part: 0, parts: 1, contentHash: 'h-A1',
    };
    const write = async (store: VectorStore) => {
      await store.ensureBase(kb, undefined);
      await store.upsert(kb, [{ chunk, sparse: encoder.encodeDocument(documentFields(chunk)) }], [{ kb, documentId: 'A1', source: 's.jsonl', contentHash: 'h-A1', chunkCount: 1 }]);
    };
    const search = (store: VectorStore) => store.search({ kb, sparse: encoder.encodeQuery('visite des marchandises'), filter, limit: 3 });
    const incompatible = (stored: number, expected: number) => (error: unknown) => {
      assert.ok(error instanceof PasserelleError, String(error));
      assert.equal(error.code, 'STORE_FORMAT_INCOMPATIBLE');
      assert.equal(error.userMessage, `La base ${kb} a été indexée par une version incompatible de Passerelle (format ${stored}, cette version lit le format ${expected}) : relancez l’indexation avec « passerelle ingest --kb ${kb} --reindex ».`);
      return true;
    };

    it('refuses a base of the previous format until it is re-indexed, then serves it', async () => {
      const previous = await open(INDEX_FORMAT);
      await write(previous);
      assert.equal((await search(previous)).length, 1);
      await previous.close();

      const next = await open(INDEX_FORMAT + 1);
      await assert.rejects(search(next), incompatible(INDEX_FORMAT, INDEX_FORMAT + 1));
      await assert.rejects(write(next), incompatible(INDEX_FORMAT, INDEX_FORMAT + 1), 'an ingestion without --reindex is refused too');
      // passerelle ingest --reindex: dropBase, then ingest again.
      await next.dropBase(kb);
      await write(next);
      assert.equal((await search(next)).length, 1);
      await next.close();

      const older = await open(INDEX_FORMAT);
      await assert.rejects(search(older), incompatible(INDEX_FORMAT + 1, INDEX_FORMAT), 'an older release does not read a newer index either');
      await older.dropBase(kb);
      await older.close();
    });
  });
}

const directory = mkdtempSync(join(tmpdir(), 'passerelle-format-'));
after(() => rmSync(directory, { recursive: true, force: true }));
indexFormatContract('embedded', async (format) => new SqliteVectorStore(join(directory, 'knowledge.sqlite'), format));

describe('index format over the Qdrant protocol (fake server)', () => {
  let fake: FakeQdrant;
  before(async () => {
    fake = await startFakeQdrant();
  });
  after(() => fake.close());
  indexFormatContract('qdrant (versioned collection names)', async (format) => new QdrantStore({ url: fake.url, indexFormat: format }));
});
