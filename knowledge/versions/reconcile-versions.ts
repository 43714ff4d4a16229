import type { ArticleUpdate, VectorStore } from '../ports/vector-store.ts';
import type { ArticleInfo, Chunk } from '../types.ts';
import { isNumberIdentity, numberKey } from './article-identity.ts';

/**
 * Dates the versions of every article of a base against each other, so that exactly one version answers for a
 * given day. Runs after each ingestion and removal; computes everything from what the sources declared
 * (`article.declared`, `observedAt`), so it is idempotent and independent of the order files were ingested in.
 *
 * Rules, per article identity (LEGI chronical id, else code + number; a number-only identity joins the LEGI
 * identity of the same code and number when there is exactly one):
 * - records of one version (same `versionId`, e.g. the 2024 text identical to the 2019 LEGI version) are one
 *   version: the most recently observed record carries it, the others are marked `duplicateOf` and never in force;
 * - versions are ordered by declared start, else by the date they were observed in force;
 * - a newer version closes the previous one: at its declared start; else at the previous one's declared end;
 *   else (two snapshots, the change day unknown) at the day the newer text was observed, with `uncertainFrom` /
 *   `uncertainTo` saying the change happened after the older observation;
 * - an article absent from a later complete consolidated snapshot of its code (records of one source sharing one
 *   `observedAt`, at least half as many as the largest snapshot of that code) ended on an unknown day before it;
 *   one absent from an earlier complete snapshot began on an unknown day after it.
 */

export interface VersionReconciliation {
  /** Documents whose dates changed. */
  updated: number;
  /** Articles (identities) holding more than one version. */
  versioned: number;
}

/** Open-ended validity in the sources (LEGI writes 2999-01-01). */
const OPEN_END = '2999-01-01';
/** Validity of a duplicate record: an empty interval, so that no date selects it. */
const NEVER = '0001-01-01';

interface Entry {
  documentId: string;
  source: string;
  article: ArticleInfo;
}

export async function reconcileVersions(store: VectorStore, kb: string, codes?: Iterable<string>): Promise<VersionReconciliation> {
  const chunks = codes === undefined ? await store.listChunks(kb) : (await Promise.all([...new Set(codes)].map((code) => store.listChunks(kb, { code })))).flat();
  const updates = planVersions(documentsOf(chunks));
  await store.updateArticles(kb, updates.updates);
  return { updated: updates.updates.length, versioned: updates.versioned };
}

/** One entry per document (its first part), for documents carrying version information. */
function documentsOf(chunks: Chunk[]): Entry[] {
  const entries = new Map<string, Entry>();
  for (const chunk of chunks) {
    if (!chunk.article?.identity || !chunk.article.versionId) continue;
    const known = entries.get(chunk.documentId);
    if (!known || chunk.part === 0) entries.set(chunk.documentId, { documentId: chunk.documentId, source: chunk.source, article: chunk.article });
  }
  return [...entries.values()];
}

/** The new article metadata of every document whose dates must change. Pure: exported for tests. */
export function planVersions(entries: Entry[]): { updates: ArticleUpdate[]; versioned: number } {
  const groups = groupByIdentity(entries);
  const completeSnapshots = snapshotDates(entries);
  const updates: ArticleUpdate[] = [];
  let versioned = 0;
  for (const group of groups.values()) {
    const byVersion = new Map<string, Entry[]>();
    for (const entry of group) {
      const key = entry.article.versionId as string;
      byVersion.set(key, [...(byVersion.get(key) ?? []), entry]);
    }
    const versions = [...byVersion.values()].map((records) => {
      const sorted = [...records].sort((a, b) => compare(b.article.observedAt ?? '', a.article.observedAt ?? '') || compare(a.documentId, b.documentId));
      return { primary: sorted[0] as Entry, duplicates: sorted.slice(1) };
    });
    versions.sort((a, b) => compare(startKey(a.primary), startKey(b.primary)) || compare(a.primary.documentId, b.primary.documentId));
    if (versions.length > 1) versioned++;

    const dated = versions.map(({ primary }) => {
      const declared = primary.article.declared ?? {};
      const next: Dates = {};
      if (declared.validFrom) next.validFrom = declared.validFrom;
      if (declared.validTo && declared.validTo !== OPEN_END) next.validTo = declared.validTo;
      return next;
    });
    for (let index = 1; index < versions.length; index++) {
      const older = versions[index - 1]?.primary as Entry;
      const newer = versions[index]?.primary as Entry;
      const before = dated[index - 1] as Dates;
      const after = dated[index] as Dates;
      const boundary = after.validFrom ?? before.validTo ?? newer.article.observedAt;
      if (!boundary) continue;
      if (!after.validFrom) {
        after.validFrom = boundary;
        if (!before.validTo && older.article.observedAt && older.article.observedAt < boundary) after.uncertainFrom = older.article.observedAt;
      }
      if (!before.validTo || before.validTo > boundary) {
        before.validTo = boundary;
        if (after.uncertainFrom) before.uncertainTo = after.uncertainFrom;
      }
    }
    // Gone from a later complete snapshot of its code: ended before it, on a day the snapshots cannot tell.
    const last = versions[versions.length - 1]?.primary;
    const lastDates = dated[dated.length - 1];
    const snapshots = last ? (completeSnapshots.get(last.article.code) ?? []) : [];
    const latest = snapshots[snapshots.length - 1];
    if (last && lastDates && latest && last.article.observedAt && last.article.observedAt < latest && !lastDates.validTo) {
      lastDates.validTo = latest;
      lastDates.uncertainTo = last.article.observedAt;
    }
    // Absent from an earlier complete snapshot: began after it (the 2023 reform's articles were not in the 2019 code).
    const first = versions[0]?.primary;
    const firstDates = dated[0];
    const observed = first?.article.observedAt;
    const earlier = observed ? snapshots.filter((date) => date < observed).pop() : undefined;
    if (first && firstDates && observed && earlier && !firstDates.validFrom) {
      firstDates.validFrom = observed;
      firstDates.uncertainFrom = earlier;
    }

    versions.forEach(({ primary, duplicates }, index) => {
      const dates = dated[index] as Dates;
      push(updates, primary, withDates(primary.article, dates, versions.length));
      for (const duplicate of duplicates) {
        push(updates, duplicate, { ...withDates(duplicate.article, { validFrom: NEVER, validTo: NEVER }, versions.length), duplicateOf: primary.documentId });
      }
    });
  }
  return { updates, versioned };
}

interface Dates {
  validFrom?: string;
  validTo?: string;
  uncertainFrom?: string;
  uncertainTo?: string;
}

function withDates(article: ArticleInfo, dates: Dates, versions: number): ArticleInfo {
  const { validFrom: _from, validTo: _to, uncertainFrom: _uf, uncertainTo: _ut, versions: _v, duplicateOf: _d, ...rest } = article;
  return {
    ...rest,
    ...(dates.validFrom ? { validFrom: dates.validFrom } : {}),
    ...(dates.validTo ? { validTo: dates.validTo } : {}),
    ...(dates.uncertainFrom ? { uncertainFrom: dates.uncertainFrom } : {}),
    ...(dates.uncertainTo ? { uncertainTo: dates.uncertainTo } : {}),
    ...(versions > 1 ? { versions } : {}),
  };
}

function push(updates: ArticleUpdate[], entry: Entry, article: ArticleInfo): void {
  if (JSON.stringify(canonical(article)) !== JSON.stringify(canonical(entry.article))) updates.push({ documentId: entry.documentId, article });
}

function canonical(article: ArticleInfo): Array<[string, unknown]> {
  return Object.entries(article)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => compare(a, b));
}

function startKey(entry: Entry): string {
  return entry.article.declared?.validFrom ?? entry.article.observedAt ?? '';
}

/** Groups by identity; a number-only identity joins the single LEGI identity of the same code and number. */
function groupByIdentity(entries: Entry[]): Map<string, Entry[]> {
  const legiByNumber = new Map<string, Set<string>>();
  for (const entry of entries) {
    const identity = entry.article.identity as string;
    if (isNumberIdentity(identity)) continue;
    const key = numberKeyOf(entry.article);
    legiByNumber.set(key, (legiByNumber.get(key) ?? new Set()).add(identity));
  }
  const groups = new Map<string, Entry[]>();
  for (const entry of entries) {
    let identity = entry.article.identity as string;
    if (isNumberIdentity(identity)) {
      const candidates = legiByNumber.get(numberKeyOf(entry.article));
      if (candidates?.size === 1) identity = [...candidates][0] as string;
    }
    groups.set(identity, [...(groups.get(identity) ?? []), entry]);
  }
  return groups;
}

function numberKeyOf(article: ArticleInfo): string {
  return `${article.code}|${numberKey(article.number)}`;
}

/** Per code, the dates of its complete consolidated snapshots (oldest first), when it has more than one. */
function snapshotDates(entries: Entry[]): Map<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  for (const entry of entries) {
    const at = entry.article.observedAt;
    if (!at) continue;
    const key = `${entry.source}\n${at}`;
    const perCode = counts.get(entry.article.code) ?? new Map<string, number>();
    perCode.set(key, (perCode.get(key) ?? 0) + 1);
    counts.set(entry.article.code, perCode);
  }
  const dates = new Map<string, string[]>();
  for (const [code, snapshots] of counts) {
    if (snapshots.size < 2) continue;
    const largest = Math.max(...snapshots.values());
    const complete = [...new Set([...snapshots].filter(([, count]) => count * 2 >= largest).map(([key]) => key.split('\n')[1] as string))].sort();
    if (complete.length > 1) dates.set(code, complete);
  }
  return dates;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
