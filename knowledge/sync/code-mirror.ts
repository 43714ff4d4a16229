import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LegiArticleRecord } from './legi-xml.ts';
import { codeChanges, type SyncReport } from './sync-report.ts';

/**
 * The versions of a code's articles known from the official sources, one JSONL file per code in the data folder
 * (`sync/<source>/<LEGITEXT>.jsonl`, one line per LEGI version id), written atomically. The knowledge base
 * ingests that file like any other: unchanged lines are left alone, changed ones re-indexed, removed ones
 * removed, and the versions re-dated against each other.
 */
export class CodeMirror {
  constructor(private readonly directory: string) {}

  fileOf(codeId: string): string {
    return join(this.directory, `${codeId.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`);
  }

  async load(codeId: string): Promise<Map<string, LegiArticleRecord>> {
    let text: string;
    try {
      text = await readFile(this.fileOf(codeId), 'utf8');
    } catch {
      return new Map();
    }
    const records = new Map<string, LegiArticleRecord>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as LegiArticleRecord;
      records.set(record.id, record);
    }
    return records;
  }

  async save(codeId: string, records: Map<string, LegiArticleRecord>): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const file = this.fileOf(codeId);
    const sorted = [...records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, sorted.map((record) => JSON.stringify(record)).join('\n') + (sorted.length > 0 ? '\n' : ''));
    await rename(temporary, file);
    return file;
  }
}

/** Whether two records of one version differ in anything the base shows. */
export function sameVersion(a: LegiArticleRecord | undefined, b: LegiArticleRecord): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** An article version whose text changed in a sync, and the version its agents' wording was written for. */
export interface TextChange {
  /** The document (LEGI version id) whose text is new. */
  documentId: string;
  /** The document whose text it replaces: the same version re-published, else the latest other version of the article. */
  previousId: string;
  /** "414 (LEGIARTI…)", for the report. */
  label: string;
}

const IN_FORCE = new Set(['VIGUEUR', 'VIGUEUR_DIFF']);

/**
 * Writes into `mirror` the records that differ from it and removes `removed`, counting each in the report
 * (totals, list, per code). Returns whether anything changed and the versions whose text changed (for their
 * agents' wording).
 */
export function mergeRecords(mirror: Map<string, LegiArticleRecord>, records: Iterable<LegiArticleRecord>, removed: Iterable<string>, report: SyncReport): { dirty: boolean; textChanges: TextChange[] } {
  let dirty = false;
  const textChanges: TextChange[] = [];
  const note = (label: string) => {
    report.changedCount++;
    if (report.changedArticles.length < 200) report.changedArticles.push(label);
    dirty = true;
  };
  for (const record of records) {
    const known = mirror.get(record.id);
    if (sameVersion(known, record)) continue;
    const previous = known ?? latestOtherVersion(mirror, record);
    mirror.set(record.id, record);
    note(`${record.num} (${record.etat}, ${record.id})`);
    const counts = codeChanges(report, record.code);
    if (known) counts.changed++;
    else counts.added++;
    if (!IN_FORCE.has(record.etat) && (!known || IN_FORCE.has(known.etat))) counts.ended++;
    if (previous && previous.text.replace(/\s+/g, ' ').trim() !== record.text.replace(/\s+/g, ' ').trim()) {
      textChanges.push({ documentId: record.id, previousId: previous.id, label: `${record.num} (${record.id})` });
    }
  }
  for (const id of removed) {
    const gone = mirror.get(id);
    if (!gone) continue;
    mirror.delete(id);
    note(`${gone.num} (supprimé, ${id})`);
    codeChanges(report, gone.code).removed++;
  }
  return { dirty, textChanges };
}

/** The version of the same article (chronical id) that began last, other than `record`. */
function latestOtherVersion(mirror: Map<string, LegiArticleRecord>, record: LegiArticleRecord): LegiArticleRecord | undefined {
  let latest: LegiArticleRecord | undefined;
  for (const other of mirror.values()) {
    if (other.cid !== record.cid || other.id === record.id) continue;
    if (!latest || (other.valid_from ?? '') > (latest.valid_from ?? '')) latest = other;
  }
  return latest;
}
