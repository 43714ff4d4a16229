import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LegiArticleRecord } from './legi-xml.ts';

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
