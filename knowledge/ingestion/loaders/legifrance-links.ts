import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { articleNumberKey } from '../../analysis/article-references.ts';

/**
 * Links to Légifrance for code articles, best first:
 * 1. the article's own page, `codes/article_lc/LEGIARTI…`, when its id is known — from the record itself
 *    (`legi_cid`, `legi_id_2019`, `cid`, `id`) or, failing that, from the articles `passerelle sync` has written for
 *    the same code and number (`<data>/sync/legi/<LEGITEXT>.jsonl`);
 * 2. when only the code and the number are known (CGFP, CIBS, pensions code, articles added to the Code des douanes
 *    after 2019): Légifrance's search by article number, `search/code?…searchField=NUM_ARTICLE&query=<num>`, which
 *    lists that article in each code that has one, the code named on each result. Légifrance's own code filter
 *    (`nomCode`) takes an opaque key of its search engine, not the LEGITEXT id, so it is not added: a key guessed
 *    wrong would return nothing. Still one click from the article, where the table of contents is thousands;
 * 3. otherwise the record's own link (`source_url`, `url`).
 */

export const LEGIFRANCE_ARTICLE = 'https://www.legifrance.gouv.fr/codes/article_lc/';
const LEGIFRANCE_SEARCH = 'https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE&searchType=ALL&query=';
const LEGI_ARTICLE_ID = /^LEGIARTI\d{12}$/;
const LEGI_CODE_ID = /^LEGITEXT\d{12}$/;
/** A link to a whole code (its table of contents), not to an article. */
const CODE_CONTENTS = /\/codes\/(?:texte_lc|id)\/LEGITEXT\d{12}\/?(?:[?#].*)?$/;

/** Article ids known for a code's article numbers: (LEGITEXT…, "67 ter B") → LEGIARTI…. */
export type ArticleIdLookup = (codeId: string, number: string) => string | undefined;

export interface LinkFields {
  id: string;
  code_id?: string | null | undefined;
  num?: string | undefined;
  source_url?: string | null | undefined;
  url?: string | null | undefined;
  legi_cid?: string | null | undefined;
  legi_id_2019?: string | null | undefined;
  cid?: string | null | undefined;
}

export interface ResolvedLink {
  url?: string;
  /** Where it came from: the record's own fields, the synchronised articles, or a search by number. */
  from: 'record' | 'sync' | 'search';
}

export function legifranceSearchUrl(number: string): string {
  return `${LEGIFRANCE_SEARCH}${encodeURIComponent(number.trim())}`;
}

export function articleLink(record: LinkFields, knownIds?: ArticleIdLookup): ResolvedLink {
  const value = record.source_url ?? record.url ?? undefined;
  const toCode = !value || CODE_CONTENTS.test(value);
  if (!toCode) return { url: value, from: 'record' };
  const own = [record.legi_cid, record.legi_id_2019, record.cid, record.id].find((id): id is string => typeof id === 'string' && LEGI_ARTICLE_ID.test(id));
  if (own) return { url: `${LEGIFRANCE_ARTICLE}${own}`, from: 'record' };
  const codeId = record.code_id ?? (value ? /LEGITEXT\d{12}/.exec(value)?.[0] : undefined);
  // A heading kept as an article ("Emplois classés" in the pensions code) has no number to search.
  if (!record.num || !/\d/.test(record.num) || !codeId || !LEGI_CODE_ID.test(codeId)) return value ? { url: value, from: 'record' } : { from: 'record' };
  const synced = knownIds?.(codeId, record.num);
  if (synced) return { url: `${LEGIFRANCE_ARTICLE}${synced}`, from: 'sync' };
  return { url: legifranceSearchUrl(record.num), from: 'search' };
}

/**
 * The article ids in the mirror files `passerelle sync` writes (one JSONL file per code, one line per LEGI
 * version): for each code and article number, the chronical id (`cid`, stable across versions), else the id of the
 * version in force. A folder absent or unreadable gives no ids.
 */
export function readSyncedArticleIds(directory: string): ArticleIdLookup | undefined {
  let files: string[];
  try {
    files = readdirSync(directory).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const ids = new Map<string, { id: string; inForce: boolean }>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(directory, file), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let record: { id?: unknown; cid?: unknown; code_id?: unknown; num?: unknown; etat?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        continue;
      }
      if (typeof record.code_id !== 'string' || typeof record.num !== 'string') continue;
      const id = [record.cid, record.id].find((value): value is string => typeof value === 'string' && LEGI_ARTICLE_ID.test(value));
      if (!id) continue;
      const key = `${record.code_id}|${articleNumberKey(record.num)}`;
      const inForce = record.etat === 'VIGUEUR';
      const known = ids.get(key);
      if (!known || (inForce && !known.inForce)) ids.set(key, { id, inForce });
    }
  }
  if (ids.size === 0) return undefined;
  return (codeId, number) => ids.get(`${codeId}|${articleNumberKey(number)}`)?.id;
}
