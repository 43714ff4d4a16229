import type { RetrievedPassage } from '../../../knowledge/retriever.ts';
import type { Chunk } from '../../../knowledge/types.ts';

/** Plain passage values for the answering unit tests (what the retriever returns). */
export function passage(id: string, text: string, options: Partial<Chunk> & { score?: number; named?: boolean } = {}): RetrievedPassage {
  const { score = 1, named = false, ...chunk } = options;
  return {
    chunk: {
      id: `${id}#0`,
      kb: 'legal',
      documentId: id,
      source: 'code.jsonl',
      kind: 'section',
      title: id,
      headingPath: [],
      text,
      classification: 'public',
      part: 0,
      parts: 1,
      contentHash: `hash-${id}`,
      ...chunk,
    },
    score,
    namedInQuestion: named,
  };
}

export function article(num: string, text: string, options: { score?: number; named?: boolean; url?: string } = {}): RetrievedPassage {
  return passage(`CD-${num}`, text, {
    kind: 'article',
    title: `Code des douanes, art. ${num}`,
    headingPath: ['Titre XII : Contentieux'],
    article: { code: 'Code des douanes', number: num },
    url: options.url ?? `https://www.legifrance.gouv.fr/codes/article_lc/CD-${num}`,
    ...(options.score !== undefined ? { score: options.score } : {}),
    ...(options.named !== undefined ? { named: options.named } : {}),
  });
}
