import { z } from 'zod';
import { resolveClassification } from '../classification.ts';
import type { ArticleInfo, SourceDocument } from '../../types.ts';
import { articleIdentity } from '../../versions/article-identity.ts';
import type { LoadContext, Loader, LoadWarning } from './loader.ts';
import { sha256 } from './loader.ts';
import { decodeText } from './text-decoding.ts';
import { htmlToText } from './html-to-text.ts';
import { articleLink } from './legifrance-links.ts';

/**
 * Line-delimited JSON in the formats of the shared corpus: code articles (`num`, `code`, `text`), Q/A pairs
 * (`question`, `answer`), or generic documents (`title`, `text`). A broken line is reported with its number
 * and the rest of the file goes in.
 */

const OPEN_ENDED = '2999-01-01';

const BaseRecord = z.object({
  id: z.string().min(1),
  classification: z.string().optional(),
  source_url: z.string().optional().nullable(),
  url: z.string().optional().nullable(),
  title_path: z.array(z.string()).optional(),
  /** Légifrance article ids (LEGIARTI…), when the record carries one: the link then opens the article itself. */
  legi_cid: z.string().optional().nullable(),
  legi_id_2019: z.string().optional().nullable(),
  cid: z.string().optional().nullable(),
});
const ArticleRecord = BaseRecord.extend({
  code: z.string().min(1),
  /** Légifrance id of the code (LEGITEXT…): with the number, the article can be looked up when its own id is not known. */
  code_id: z.string().optional().nullable(),
  num: z.string().min(1),
  text: z.string().min(1),
  valid_from: z.string().nullable().optional(),
  valid_to: z.string().nullable().optional(),
  /** Date of the consolidated text the record was read from (versions: `legi_cid` is the chronical id, `legi_id_2019` an identical earlier version). */
  version_date: z.string().nullable().optional(),
});
const QaRecord = BaseRecord.extend({
  question: z.string().min(1),
  answer: z.string().min(1),
  category: z.string().optional().nullable(),
  subcategory: z.string().optional().nullable(),
  source: z.string().optional().nullable(),
});
const GenericRecord = BaseRecord.extend({ title: z.string().min(1), text: z.string().min(1) });

export const loadJsonl: Loader = async (bytes, context) => {
  const documents: SourceDocument[] = [];
  const warnings: LoadWarning[] = [];
  const seen = new Set<string>();
  const headings = new LeakedHeadings();
  const lines = decodeText(bytes, context.displayName).split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      warnings.push({ line: lineNumber, reason: `JSON invalide (${(error as Error).message})` });
      return;
    }
    const document = toDocument(value, line, context, headings, documents.length);
    if (typeof document === 'string') warnings.push({ line: lineNumber, reason: document });
    else if (seen.has(document.documentId)) warnings.push({ line: lineNumber, reason: `identifiant en double « ${document.documentId} »` });
    else if (document.classification === 'interdit-ia') warnings.push({ line: lineNumber, reason: `« ${document.documentId} » est classifié interdit IA : refusé`, documentId: document.documentId });
    else {
      seen.add(document.documentId);
      documents.push(document);
    }
  });
  return { documents, warnings };
};

function toDocument(value: unknown, line: string, context: LoadContext, headings: LeakedHeadings, position: number): SourceDocument | string {
  const { source, defaultClassification: fallback } = context;
  const contentHash = sha256(line);
  const article = ArticleRecord.safeParse(value);
  if (article.success) {
    const record = article.data;
    const link = articleLink(record, context.articleIds);
    const validFrom = record.valid_from ?? undefined;
    const validTo = record.valid_to && record.valid_to !== OPEN_ENDED ? record.valid_to : undefined;
    const { text, trailing } = splitTrailingHeadings(record.text);
    const headingPath = headings.pathFor(record.title_path ?? []);
    headings.note(record.title_path ?? [], trailing);
    return {
      documentId: record.id,
      source,
      kind: 'article',
      title: `${record.code}, art. ${record.num}`,
      headingPath,
      text: plainArticleText(text),
      ...(link.url ? { url: link.url } : {}),
      classification: resolveClassification(record.classification, '', fallback),
      article: { code: record.code, number: record.num, ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}), position, ...articleVersion(record, validFrom, validTo) },
      // A link not read from the line itself (a search by number, an id from the synchronised articles) is part of
      // the hash: when a sync later gives the article's id, the next ingestion re-indexes this record, and only it.
      contentHash: link.from === 'record' ? contentHash : sha256(`${line}\nlink ${link.url}`),
    };
  }
  const qa = QaRecord.safeParse(value);
  if (qa.success) {
    const record = qa.data;
    const question = withoutEmphasis(record.question);
    return {
      documentId: record.id,
      source,
      kind: 'qa',
      title: question.length > 120 ? `${question.slice(0, 117)}…` : question,
      headingPath: [record.source, record.category, record.subcategory].filter((part): part is string => Boolean(part)),
      question,
      text: `Question : ${question}\n\nRéponse : ${withoutEmphasis(record.answer)}`,
      ...url(record),
      classification: resolveClassification(record.classification, record.answer, fallback),
      // The line, plus the revision of how Q/A text is cleaned: a cleaning change indexes the pairs again.
      contentHash: sha256(`${line}\nqa-text-2`),
    };
  }
  const generic = GenericRecord.safeParse(value);
  if (generic.success) {
    const record = generic.data;
    return {
      documentId: record.id,
      source,
      kind: 'section',
      title: record.title,
      headingPath: record.title_path ?? [],
      text: record.text,
      ...url(record),
      classification: resolveClassification(record.classification, record.text, fallback),
      contentHash,
    };
  }
  return 'enregistrement non reconnu (attendu : article {id, code, num, text}, Q/R {id, question, answer} ou document {id, title, text})';
}

/** The version fields of an article record (see ArticleInfo): identity, version id, snapshot date, declared dates. */
function articleVersion(record: z.infer<typeof ArticleRecord>, validFrom: string | undefined, validTo: string | undefined): Partial<ArticleInfo> {
  const cid = record.legi_cid ?? record.cid ?? undefined;
  const ownLegiId = LEGI_ARTICLE_ID.test(record.id) ? record.id : undefined;
  const versionId = record.legi_id_2019 ?? ownLegiId ?? record.id;
  const observedAt = record.version_date && ISO_DATE.test(record.version_date) ? record.version_date : undefined;
  return {
    identity: cid && LEGI_ARTICLE_ID.test(cid) ? cid : articleIdentity(record.code, record.num),
    versionId,
    ...(observedAt ? { observedAt } : {}),
    declared: { ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) },
  };
}

const LEGI_ARTICLE_ID = /^LEGIARTI\d{12}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A Q/A or generic record's link (see legifrance-links.ts: an article id in its id fields gives the article's page). */
function url(record: Parameters<typeof articleLink>[0]): { url?: string } {
  const link = articleLink(record);
  return link.url ? { url: link.url } : {};
}

/**
 * Emphasis markers of the FAQ's Markdown (`**…**`, `__…__`, `_…_`) removed: quoted passages are cut into
 * sentences, which would leave stray `**`, and answers add their own bold. Links and lists are kept.
 */
export function withoutEmphasis(text: string): string {
  return text
    .replace(/\*\*/g, '')
    .replace(/__(?=[^\s_])([^_\n]*?[^\s_])__/g, '$1')
    .replace(/(^|[\s(«])_(?=[^\s_])([^_\n]*?[^\s_])_(?=$|[\s).,;:!?»])/gmu, '$1$2');
}

/**
 * Légifrance Markdown exports leave the heading of the next subdivision ("######## Paragraphe 2 : …") at the
 * end of the article before it, and the following articles' `title_path` stops above that level. The heading
 * is taken out of the text and given back to the articles it heads: those that follow with the same
 * `title_path`, until another heading of the same or a higher level replaces it.
 */
class LeakedHeadings {
  private parent: string | undefined;
  private extra: Array<{ level: number; text: string }> = [];

  pathFor(titlePath: string[]): string[] {
    if (this.parent !== titlePath.join('\n')) return titlePath;
    return [...titlePath, ...this.extra.map((heading) => heading.text)];
  }

  note(titlePath: string[], trailing: Array<{ level: number; text: string }>): void {
    const key = titlePath.join('\n');
    if (this.parent !== key) {
      this.parent = key;
      this.extra = [];
    }
    for (const heading of trailing) this.extra = [...this.extra.filter((kept) => kept.level < heading.level), heading];
  }
}

/** The text without the Markdown heading lines at its end, and those headings (level = number of #). */
export function splitTrailingHeadings(text: string): { text: string; trailing: Array<{ level: number; text: string }> } {
  const paragraphs = text.split(/\n{2,}/);
  const trailing: Array<{ level: number; text: string }> = [];
  while (paragraphs.length > 1) {
    const match = /^(#{2,})\s+(.+)$/.exec((paragraphs[paragraphs.length - 1] as string).trim());
    if (!match) break;
    trailing.unshift({ level: (match[1] as string).length, text: (match[2] as string).trim() });
    paragraphs.pop();
  }
  return { text: paragraphs.join('\n\n'), trailing };
}

/** Article text as plain paragraphs: the HTML tables some consolidated texts carry become rows of cells. */
function plainArticleText(text: string): string {
  if (!/<(table|div|p|br)\b/i.test(text)) return text;
  return text
    .split(/\n{2,}/)
    .map((paragraph) => (/<[a-z]/i.test(paragraph) ? htmlToText(paragraph).text : paragraph))
    .filter((paragraph) => paragraph.trim() !== '')
    .join('\n\n');
}
