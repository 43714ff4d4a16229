import { loadDefaultLexicon } from '../../../knowledge/analysis/lexicon.ts';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { documentFields } from '../../../knowledge/ingestion/ingestion-service.ts';
import type { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import type { Chunk, Classification } from '../../../knowledge/types.ts';

/** A small legal base written into an embedded store, for the persisted-index tests (lexical-snapshot, lexical-file). */
export const kb = 'legal';
export const encoder = new SparseEncoder(loadDefaultLexicon());
const filter = { maxClassification: 'diffusion-restreinte' as Classification };

export const chunk = (id: string, text: string): Chunk => ({
  id: `${id}#0`, kb, documentId: id, source: 's.jsonl', kind: 'article', title: `Article ${id}`, headingPath: [], classification: 'public', text, part: 0, parts: 1, contentHash: `h-${id}`,
});

export async function write(store: SqliteVectorStore, chunks: Chunk[]): Promise<void> {
  await store.ensureBase(kb, undefined);
  await store.upsert(kb, chunks.map((c) => ({ chunk: c, sparse: encoder.encodeDocument(documentFields(c)) })), chunks.map((c) => ({ kb, documentId: c.documentId, source: c.source, contentHash: c.contentHash, chunkCount: 1 })));
}

/** Documents found for `query`, best first. */
export async function ids(store: SqliteVectorStore, query: string): Promise<string[]> {
  return (await store.search({ kb, sparse: encoder.encodeQuery(query), filter, limit: 5 })).map((hit) => hit.chunk.documentId);
}

export const CORPUS = [
  chunk('A1', 'Les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport.'),
  chunk('A2', 'La déclaration en détail est déposée au bureau de douane.'),
  chunk('A3', 'Les marchandises saisies sont consignées au bureau le plus proche.'),
];
