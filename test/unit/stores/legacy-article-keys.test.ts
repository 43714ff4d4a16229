import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { documentFields } from '../../../knowledge/ingestion/ingestion-service.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import type { Chunk } from '../../../knowledge/types.ts';

/**
 * A base indexed before article numbers kept their letters holds "67" for « 67 A » and « 67ter » for « 67 ter B »:
 * looking those articles up still finds each one, and only it, without a re-index.
 */
describe('embedded store: article keys written by an earlier release', () => {
  const directory = mkdtempSync(join(tmpdir(), 'passerelle-keys-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('finds « 67 A » and « 67 ter B » under their old keys, told apart from 67 and 67 ter', async () => {
    const file = join(directory, 'knowledge.sqlite');
    const store = new SqliteVectorStore(file);
    const encoder = new SparseEncoder(undefined);
    const chunk = (documentId: string, number: string): Chunk => ({
      id: `${documentId}#0`, kb: 'legal', documentId, source: 'code.jsonl', kind: 'article', title: `Code des douanes, art. ${number}`, headingPath: [],
      text: `Texte de l’article ${number}.`, classification: 'public', part: 0, parts: 1, contentHash: `h-${documentId}`, article: { code: 'Code des douanes', number },
    });
    const chunks = [chunk('CD-67', '67'), chunk('CD-67_A', '67 A'), chunk('CD-67_ter', '67 ter'), chunk('CD-67_ter_B', '67 ter B')];
    await store.ensureBase('legal', undefined);
    await store.upsert('legal', chunks.map((c) => ({ chunk: c, sparse: encoder.encodeDocument(documentFields(c)) })), chunks.map((c) => ({ kb: 'legal', documentId: c.documentId, source: c.source, contentHash: c.contentHash, chunkCount: 1 })));
    await store.close();
    // The keys an earlier release wrote.
    const db = new DatabaseSync(file);
    db.prepare('UPDATE chunks SET article_number = ? WHERE document_id = ?').run('67', 'CD-67_A');
    db.prepare('UPDATE chunks SET article_number = ? WHERE document_id = ?').run('67ter', 'CD-67_ter_B');
    db.close();

    const reopened = new SqliteVectorStore(file);
    try {
      const found = async (number: string) => (await reopened.findArticle({ kb: 'legal', number, filter: { maxClassification: 'diffusion-restreinte' } })).map((c) => c.documentId);
      assert.deepEqual(await found('67 A'), ['CD-67_A']);
      assert.deepEqual(await found('67'), ['CD-67']);
      assert.deepEqual(await found('67 ter B'), ['CD-67_ter_B']);
      assert.deepEqual(await found('67 ter'), ['CD-67_ter']);
    } finally {
      await reopened.close();
    }
  });
});
