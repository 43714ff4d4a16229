import type { VectorStore } from '../ports/vector-store.ts';
import type { ArticleInfo } from '../types.ts';
import type { ConcordanceRow } from './concordance.ts';

/**
 * The concordance a base's own versions tell: versions of one identity (same LEGI chronical id) under different
 * numbers are a renumbering ("moved", dated by the newer version's start); an article whose last version ended
 * because it was absent from a later complete snapshot is "repealed" (or moved out of the code: the snapshots
 * cannot tell), dated when known. Ambiguous cases are not guessed.
 */
export async function deriveConcordance(store: VectorStore, kb: string, code?: string): Promise<ConcordanceRow[]> {
  const chunks = await store.listChunks(kb, code ? { code } : {});
  const byIdentity = new Map<string, ArticleInfo[]>();
  const seen = new Set<string>();
  for (const chunk of chunks) {
    const article = chunk.article;
    if (!article?.identity || !article.versionId || article.duplicateOf || seen.has(article.versionId)) continue;
    seen.add(article.versionId);
    byIdentity.set(article.identity, [...(byIdentity.get(article.identity) ?? []), article]);
  }
  const rows: ConcordanceRow[] = [];
  for (const versions of byIdentity.values()) {
    versions.sort((a, b) => (a.validFrom ?? '').localeCompare(b.validFrom ?? ''));
    for (let index = 1; index < versions.length; index++) {
      const older = versions[index - 1] as ArticleInfo;
      const newer = versions[index] as ArticleInfo;
      if (older.number.replace(/\s+/g, ' ') === newer.number.replace(/\s+/g, ' ')) continue;
      rows.push({ code: older.code, oldNumber: older.number, newNumber: newer.number, ...(newer.code !== older.code ? { newCode: newer.code } : {}), ...(newer.validFrom ? { date: newer.validFrom } : {}), kind: 'moved', note: 'même identifiant LEGI, numéro différent' });
    }
    const last = versions[versions.length - 1] as ArticleInfo;
    if (last.validTo && last.uncertainTo) {
      rows.push({ code: last.code, oldNumber: last.number, kind: 'repealed', note: `absent du texte consolidé du ${last.validTo} (abrogé ou transféré dans un autre code entre le ${last.uncertainTo} et le ${last.validTo})` });
    } else if (last.validTo && last.declared?.validTo === last.validTo) {
      rows.push({ code: last.code, oldNumber: last.number, date: last.validTo, kind: 'repealed', note: 'fin de vigueur déclarée par la source' });
    }
  }
  return rows.sort((a, b) => a.code.localeCompare(b.code) || a.oldNumber.localeCompare(b.oldNumber, 'fr', { numeric: true }));
}
