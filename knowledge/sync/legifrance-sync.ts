import { join } from 'node:path';
import { PasserelleError } from '../../bots/errors.ts';
import type { KnowledgeCatalog } from '../catalog.ts';
import { htmlToText } from '../ingestion/loaders/html-to-text.ts';
import type { IngestionService } from '../ingestion/ingestion-service.ts';
import { CodeMirror, mergeRecords } from './code-mirror.ts';
import type { SyncEnrichment } from './sync-enrichment.ts';
import type { LegiArticleRecord } from './legi-xml.ts';
import { emptyReport, type SyncReport } from './sync-report.ts';

/**
 * `passerelle sync legifrance`: the codes of a base through the Légifrance API on PISTE. OAuth2 client
 * credentials (token cached until a minute before it expires, renewed once on 401); `consult/legi/tableMatieres`
 * lists a code's articles (id, num, état) at today's date; `consult/getArticle` fetches an article and its version
 * history (`articleVersions`), whose versions not yet known are fetched too. Only articles new or whose state
 * changed are fetched, and only the lines that changed are re-indexed (same mirror files as `sync legi`).
 * 429 (quota) and 5xx are retried after Retry-After (capped), then the run stops at that code (retryable).
 */

export interface LegifranceSettings {
  url: string;
  tokenUrl: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

/** Légifrance ids of the codes the catalogue names. */
export const CODE_TEXT_IDS: Record<string, string> = {
  'code des douanes': 'LEGITEXT000006071570',
  'code des impositions sur les biens et services': 'LEGITEXT000044595989',
  'code général de la fonction publique': 'LEGITEXT000044416551',
  'code des pensions civiles et militaires de retraite': 'LEGITEXT000006070302',
};

interface TocArticle {
  id: string;
  num?: string;
  etat?: string;
}

interface TocSection {
  title?: string;
  articles?: TocArticle[];
  sections?: TocSection[];
}

interface PisteArticle {
  id: string;
  cid?: string;
  num?: string;
  etat?: string;
  dateDebut?: number | string;
  dateFin?: number | string;
  texteHtml?: string;
  texte?: string;
  nota?: string;
  articleVersions?: Array<{ id: string; etat?: string }>;
}

export class LegifranceSync {
  private readonly mirror: CodeMirror;
  private token: { value: string; until: number } | undefined;

  constructor(
    private readonly ingestion: Pick<IngestionService, 'ingest'>,
    private readonly catalog: KnowledgeCatalog,
    dataDir: string,
    private readonly settings: LegifranceSettings,
    private readonly now: () => Date = () => new Date(),
    private readonly enrichment?: SyncEnrichment,
  ) {
    this.mirror = new CodeMirror(join(dataDir, 'sync', 'legi'));
  }

  async run(kb: string): Promise<SyncReport> {
    if (!this.settings.clientId || !this.settings.clientSecret) {
      throw new PasserelleError('CONFIG_INVALID', { problems: 'LEGIFRANCE_CLIENT_ID et LEGIFRANCE_CLIENT_SECRET sont requis pour la synchronisation Légifrance (compte PISTE)' });
    }
    const base = this.catalog.get(kb);
    const report = emptyReport('legifrance', kb);
    for (const code of base.codes) {
      const textId = CODE_TEXT_IDS[code.toLowerCase()];
      if (!textId) {
        report.warnings.push(`identifiant Légifrance inconnu pour « ${code} » : code ignoré`);
        continue;
      }
      try {
        const changed = await this.syncCode(kb, base.classificationCeiling, code, textId, report);
        report.steps.push({ name: `${code} (${textId})`, status: 'applied', articles: changed });
      } catch (error) {
        const failure = error instanceof PasserelleError ? error : new PasserelleError('SYNC_SOURCE_UNAVAILABLE', { source: 'Légifrance', reason: (error as Error).message }, { cause: error });
        if (failure.code === 'SYNC_CREDENTIALS_INVALID' || failure.code === 'STORE_UNAVAILABLE') throw failure;
        report.steps.push({ name: `${code} (${textId})`, status: 'failed', articles: 0, error: failure.code === 'INTERNAL' ? `réponse inattendue de Légifrance (${String((failure.cause as Error | undefined)?.message ?? '').slice(0, 160)})` : failure.userMessage });
        report.complete = false;
        report.failure = { code: failure.code, retryable: failure.retryable };
        // A quota or an outage stops the run (the next one resumes); an answer refused for one code does not stop the others.
        if (failure.retryable) break;
      }
    }
    return report;
  }

  private async syncCode(kb: string, ceiling: Parameters<IngestionService['ingest']>[0]['ceiling'], code: string, textId: string, report: SyncReport): Promise<number> {
    const today = this.now().toISOString().slice(0, 10);
    const toc = (await this.call('consult/legi/tableMatieres', { textId, date: today, nature: 'CODE' })) as TocSection;
    const listed: Array<{ article: TocArticle; path: string[] }> = [];
    const walk = (section: TocSection, path: string[]) => {
      for (const article of section.articles ?? []) listed.push({ article, path });
      for (const child of section.sections ?? []) walk(child, child.title ? [...path, child.title] : path);
    };
    walk(toc, []);
    const mirror = await this.mirror.load(textId);
    const fetched = new Map<string, LegiArticleRecord>();
    const queue: Array<{ id: string; path: string[] }> = listed
      .filter(({ article }) => mirror.get(article.id)?.etat !== article.etat || !mirror.has(article.id))
      .map(({ article, path }) => ({ id: article.id, path }));
    while (queue.length > 0) {
      const { id, path } = queue.shift() as { id: string; path: string[] };
      if (fetched.has(id)) continue;
      const answer = (await this.call('consult/getArticle', { id })) as { article?: PisteArticle };
      const article = answer.article;
      if (!article?.id) {
        report.warnings.push(`article ${id} : réponse sans article`);
        continue;
      }
      const record = toRecord(article, code, textId, path.length > 0 ? path : (mirror.get(id)?.title_path ?? []));
      if (!record) {
        report.warnings.push(`article ${id} : numéro ou texte absent`);
        continue;
      }
      fetched.set(id, record);
      // Version history: the versions this base does not know yet, or whose state changed (an old one closed).
      for (const version of article.articleVersions ?? []) {
        const known = mirror.get(version.id);
        if (!fetched.has(version.id) && (!known || (version.etat !== undefined && known.etat !== version.etat))) queue.push({ id: version.id, path: record.title_path });
      }
    }
    const before = report.changedCount;
    const { dirty, textChanges } = mergeRecords(mirror, fetched.values(), [], report);
    if (!dirty) return 0;
    const file = await this.mirror.save(textId, mirror);
    const ingested = await this.ingestion.ingest({ kb, ceiling }, [file], { defaultClassification: 'public' });
    report.added += ingested.added;
    report.updated += ingested.updated;
    report.removed += ingested.removed;
    report.unchanged += ingested.unchanged;
    await this.enrichment?.refresh(kb, textChanges, report);
    const changed = report.changedCount - before;
    return changed;
  }

  /** One API call with the bearer token; 401 renews the token once; 429/5xx retried after Retry-After. */
  private async call(path: string, body: unknown): Promise<unknown> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.fetch(`${this.settings.url.replace(/\/+$/, '')}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) return response.json();
      if (response.status === 401 && !renewed) {
        this.token = undefined;
        renewed = true;
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt < this.settings.maxRetries) {
        await sleep(retryAfterMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        throw new PasserelleError('SYNC_SOURCE_UNAVAILABLE', { source: 'Légifrance', reason: response.status === 429 ? 'quota d’appels atteint (429)' : `erreur ${response.status}` }, ...retryAfterOption(response));
      }
      if (response.status === 401 || response.status === 403) throw new PasserelleError('SYNC_CREDENTIALS_INVALID');
      throw new PasserelleError('INTERNAL', {}, { cause: new Error(`Légifrance ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`) });
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const response = await this.fetch(this.settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.settings.clientId as string, client_secret: this.settings.clientSecret as string, scope: 'openid' }).toString(),
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) throw new PasserelleError('SYNC_CREDENTIALS_INVALID');
    if (!response.ok) throw new PasserelleError('SYNC_SOURCE_UNAVAILABLE', { source: 'PISTE (jeton OAuth)', reason: `erreur ${response.status}` });
    const answer = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!answer.access_token) throw new PasserelleError('SYNC_SOURCE_UNAVAILABLE', { source: 'PISTE (jeton OAuth)', reason: 'réponse sans jeton' });
    this.token = { value: answer.access_token, until: Date.now() + Math.max(0, (answer.expires_in ?? 3600) - 60) * 1000 };
    return answer.access_token;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (error) {
      throw new PasserelleError('SYNC_SOURCE_UNAVAILABLE', { source: 'Légifrance', reason: 'service injoignable' }, { cause: error });
    }
  }
}

function toRecord(article: PisteArticle, code: string, textId: string, titlePath: string[]): LegiArticleRecord | undefined {
  const text = article.texteHtml ? htmlToText(article.texteHtml).text.trim() : (article.texte ?? '').trim();
  if (!article.num || !text) return undefined;
  const versions = (article.articleVersions ?? []).map((version) => version.id).filter((id) => /^LEGIARTI\d{12}$/.test(id));
  const to = isoDate(article.dateFin);
  return {
    id: article.id,
    cid: article.cid ?? [...versions, article.id].sort()[0] ?? article.id,
    code,
    code_id: textId,
    num: article.num,
    title_path: titlePath,
    text,
    etat: article.etat ?? '',
    valid_from: isoDate(article.dateDebut) ?? null,
    valid_to: to ?? null,
    ...(article.nota ? { nota: htmlToText(article.nota).text.trim() } : {}),
    source_url: `https://www.legifrance.gouv.fr/codes/article_lc/${article.id}`,
  };
}

/** PISTE dates are epoch milliseconds (or ISO strings in some answers). */
function isoDate(value: number | string | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = typeof value === 'number' ? new Date(value) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 60_000) : Math.min(1000 * 2 ** attempt, 60_000);
}

function retryAfterOption(response: Response): [] | [{ retryAfterMs: number }] {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? [{ retryAfterMs: seconds * 1000 }] : [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
