import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PasserelleError } from '../../bots/errors.ts';
import type { KnowledgeCatalog } from '../catalog.ts';
import type { IngestionService } from '../ingestion/ingestion-service.ts';
import { CodeMirror, mergeRecords } from './code-mirror.ts';
import { lastAppliedArchive, type LegiDownloader } from './legi-download.ts';
import type { SyncEnrichment } from './sync-enrichment.ts';
import { parseLegiArticle, type LegiArticleRecord } from './legi-xml.ts';
import { emptyReport, type SyncReport } from './sync-report.ts';
import { readTarGz, TarError } from './tar-archive.ts';

/**
 * `passerelle sync legi`: applies DILA's LEGI open-data archives found in a folder — the full dump
 * (`Freemium_legi_global_YYYYMMDD-HHMMSS.tar.gz`) then the daily increments (`LEGI_YYYYMMDD-HHMMSS.tar.gz`) — to
 * the codes of a base's catalogue entry (`codes`).
 *
 * - Incremental and idempotent: archives already applied (name and sha256, in `sync/legi-state.json`) are skipped;
 *   each article version is a line of the code's mirror file, and the base re-indexes only the lines that changed.
 * - Restartable: an archive is read whole before anything is written; the state records it only once its
 *   articles are in the base. A truncated or corrupt archive stops the run there (reported, retryable), so that
 *   increments are never applied out of order; the next run starts again from it.
 * - A missing day between two increments is reported to curators (the following archives still apply: each LEGI
 *   article file is complete, so a later change wins; what the missing day alone changed stays missing until
 *   the next full dump).
 * - `liste_suppression_legi.dat` (paths removed by an increment) removes those versions.
 */

const FULL = /^Freemium_legi_global_(\d{8})-(\d{6})\.tar\.gz$/i;
const DAILY = /^LEGI_(\d{8})-(\d{6})\.tar\.gz$/i;

interface SyncState {
  applied: Record<string, string>;
}

interface Archive {
  name: string;
  day: string;
  full: boolean;
}

export class LegiSync {
  private readonly mirror: CodeMirror;

  constructor(
    private readonly ingestion: Pick<IngestionService, 'ingest' | 'removeSource'>,
    private readonly catalog: KnowledgeCatalog,
    private readonly dataDir: string,
    /** Keeps the agents' wording of the articles whose text changed in step with it (knowledge/sync/sync-enrichment.ts). */
    private readonly enrichment?: SyncEnrichment,
  ) {
    this.mirror = new CodeMirror(join(dataDir, 'sync', 'legi'));
  }

  /** Where `sync legi --url` keeps the archives it downloads, unless `--dir` names a folder. */
  static downloadFolder(dataDir: string): string {
    return join(dataDir, 'sync', 'legi-archives');
  }

  /**
   * Downloads the archives newer than the last one applied from DILA's directory at `url` into `folder`, then
   * applies the folder. A failed download stops the downloads there (the archives fetched before it still
   * apply, in order) and makes the report incomplete; the next run resumes it.
   */
  async runFromUrl(kb: string, url: string, folder: string, downloader: LegiDownloader, signal?: AbortSignal): Promise<SyncReport> {
    this.catalog.get(kb);
    const state = await this.loadState();
    const present = new Set(await readdir(folder).catch(() => [] as string[]));
    const fetched = await downloader.fetchNew(url, folder, lastAppliedArchive(Object.keys(state.applied)), present, signal);
    const report = await this.run(kb, folder);
    report.downloaded = fetched.downloaded;
    if (fetched.failure) {
      report.steps.push({ name: fetched.failure.name, status: 'failed', articles: 0, error: fetched.failure.error.userMessage });
      report.complete = false;
      report.failure = { code: fetched.failure.error.code, retryable: fetched.failure.error.retryable };
    }
    return report;
  }

  async run(kb: string, folder: string): Promise<SyncReport> {
    const base = this.catalog.get(kb);
    const codes = new Set(base.codes.map((code) => code.toLowerCase()));
    if (codes.size === 0) throw new PasserelleError('CONFIG_INVALID', { problems: `la base ${kb} ne liste aucun code (codes: dans config/knowledge-bases.yaml)` });
    const report = emptyReport('legi', kb);
    const state = await this.loadState();
    const archives = await this.archives(folder, report);
    report.missingDays = missingDays(archives.filter((archive) => !archive.full).map((archive) => archive.day));

    for (const archive of archives) {
      const bytes = await readFile(join(folder, archive.name));
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (state.applied[archive.name] === digest) {
        report.steps.push({ name: archive.name, status: 'already-applied', articles: 0 });
        continue;
      }
      let applied: number;
      try {
        applied = await this.apply(kb, base.classificationCeiling, bytes, codes, report);
      } catch (error) {
        const reason = error instanceof TarError ? error.message : (error as Error).message;
        report.steps.push({ name: archive.name, status: 'failed', articles: 0, error: error instanceof TarError ? new PasserelleError('SYNC_ARCHIVE_INVALID', { file: archive.name, reason }).userMessage : reason });
        report.complete = false;
        if (!(error instanceof TarError)) throw error;
        report.failure = { code: 'SYNC_ARCHIVE_INVALID', retryable: true };
        break;
      }
      state.applied[archive.name] = digest;
      await this.saveState(state);
      report.steps.push({ name: archive.name, status: 'applied', articles: applied });
    }
    return report;
  }

  /** The archives to consider, in order: the latest full dump, then the increments after it. */
  private async archives(folder: string, report: SyncReport): Promise<Archive[]> {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      throw new PasserelleError('PATH_NOT_FOUND', { path: folder });
    }
    const archives: Archive[] = [];
    for (const name of names.sort()) {
      const full = FULL.exec(name);
      const daily = DAILY.exec(name);
      if (full || daily) archives.push({ name, day: isoDay((full ?? daily)?.[1] as string), full: Boolean(full) });
      else if (name.endsWith('.tar.gz')) report.warnings.push(`archive ${name} ignorée : nom inattendu (attendu Freemium_legi_global_AAAAMMJJ-HHMMSS.tar.gz ou LEGI_AAAAMMJJ-HHMMSS.tar.gz)`);
    }
    const dumps = archives.filter((archive) => archive.full);
    const latestDump = dumps[dumps.length - 1];
    const increments = archives.filter((archive) => !archive.full && (!latestDump || archive.day >= latestDump.day));
    return [...(latestDump ? [latestDump] : []), ...increments.sort((a, b) => a.name.localeCompare(b.name))];
  }

  /** Reads a whole archive, then updates the mirrors of the codes it touches and ingests them. Returns the versions changed. */
  private async apply(kb: string, ceiling: Parameters<IngestionService['ingest']>[0]['ceiling'], bytes: Buffer, codes: Set<string>, report: SyncReport): Promise<number> {
    const entries = readTarGz(bytes);
    const records: LegiArticleRecord[] = [];
    const removed = new Set<string>();
    for (const entry of entries) {
      if (/liste_suppression_legi\.dat$/.test(entry.path)) {
        for (const match of entry.content.toString('utf8').matchAll(/LEGIARTI\d{12}/g)) removed.add(match[0]);
        continue;
      }
      if (!/\/article\/.*LEGIARTI\d{12}\.xml$/.test(entry.path)) continue;
      const record = parseLegiArticle(entry.content.toString('utf8'));
      if (typeof record === 'string') report.warnings.push(`${entry.path} : ${record}`);
      else if (codes.has(record.code.toLowerCase())) records.push(record);
    }
    const byCode = new Map<string, LegiArticleRecord[]>();
    for (const record of records) byCode.set(record.code_id, [...(byCode.get(record.code_id) ?? []), record]);
    // Removals apply to every code already mirrored for this base's codes.
    const touched = new Set([...byCode.keys(), ...(removed.size > 0 ? await this.mirroredCodes() : [])]);
    let changed = 0;
    for (const codeId of touched) {
      const mirror = await this.mirror.load(codeId);
      const before = report.changedCount;
      const { dirty, textChanges } = mergeRecords(mirror, byCode.get(codeId) ?? [], removed, report);
      changed += report.changedCount - before;
      if (!dirty) continue;
      const file = await this.mirror.save(codeId, mirror);
      if (mirror.size === 0) {
        report.removed += await this.ingestion.removeSource(kb, file);
        continue;
      }
      const ingested = await this.ingestion.ingest({ kb, ceiling }, [file], { defaultClassification: 'public' });
      for (const skipped of ingested.skipped) throw new PasserelleError('SYNC_ARCHIVE_INVALID', { file: skipped.file, reason: skipped.message });
      report.added += ingested.added;
      report.updated += ingested.updated;
      report.removed += ingested.removed;
      report.unchanged = ingested.unchanged;
      for (const warning of ingested.warnings) report.warnings.push(`${warning.line ? `ligne ${warning.line} : ` : ''}${warning.message}`);
      await this.enrichment?.refresh(kb, textChanges, report);
    }
    return changed;
  }

  private async mirroredCodes(): Promise<string[]> {
    try {
      return (await readdir(join(this.dataDir, 'sync', 'legi'))).filter((name) => name.endsWith('.jsonl')).map((name) => name.replace(/\.jsonl$/, ''));
    } catch {
      return [];
    }
  }

  private stateFile(): string {
    return join(this.dataDir, 'sync', 'legi-state.json');
  }

  private async loadState(): Promise<SyncState> {
    try {
      const parsed = JSON.parse(await readFile(this.stateFile(), 'utf8')) as SyncState;
      return { applied: { ...parsed.applied } };
    } catch {
      return { applied: {} };
    }
  }

  private async saveState(state: SyncState): Promise<void> {
    await mkdir(join(this.dataDir, 'sync'), { recursive: true });
    const temporary = `${this.stateFile()}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temporary, this.stateFile());
  }
}

function isoDay(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

/** Days without an increment between the first and last increment, Sundays excepted (DILA does not publish then). */
export function missingDays(days: string[]): string[] {
  const sorted = [...new Set(days)].sort();
  const missing: string[] = [];
  for (let index = 1; index < sorted.length; index++) {
    let time = Date.parse(`${sorted[index - 1]}T00:00:00Z`) + 86_400_000;
    const end = Date.parse(`${sorted[index]}T00:00:00Z`);
    while (time < end) {
      if (new Date(time).getUTCDay() !== 0) missing.push(new Date(time).toISOString().slice(0, 10));
      time += 86_400_000;
    }
  }
  return missing;
}
