import { z } from 'zod';
import { resolveClassification } from '../classification.ts';
import type { SourceDocument } from '../../types.ts';
import type { Loader, LoadWarning } from './loader.ts';
import { sha256 } from './loader.ts';
import { decodeText } from './text-decoding.ts';

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
});
const ArticleRecord = BaseRecord.extend({
  code: z.string().min(1),
  num: z.string().min(1),
  text: z.string().min(1),
  valid_from: z.string().nullable().optional(),
  valid_to: z.string().nullable().optional(),
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
    const document = toDocument(value, line, context.source, context.defaultClassification);
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

function toDocument(value: unknown, line: string, source: string, fallback: SourceDocument['classification']): SourceDocument | string {
  const contentHash = sha256(line);
  const article = ArticleRecord.safeParse(value);
  if (article.success) {
    const record = article.data;
    const validFrom = record.valid_from ?? undefined;
    const validTo = record.valid_to && record.valid_to !== OPEN_ENDED ? record.valid_to : undefined;
    return {
      documentId: record.id,
      source,
      kind: 'article',
      title: `${record.code}, art. ${record.num}`,
      headingPath: record.title_path ?? [],
      text: record.text,
      ...url(record),
      classification: resolveClassification(record.classification, '', fallback),
      article: { code: record.code, number: record.num, ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) },
      contentHash,
    };
  }
  const qa = QaRecord.safeParse(value);
  if (qa.success) {
    const record = qa.data;
    return {
      documentId: record.id,
      source,
      kind: 'qa',
      title: record.question.length > 120 ? `${record.question.slice(0, 117)}…` : record.question,
      headingPath: [record.source, record.category, record.subcategory].filter((part): part is string => Boolean(part)),
      question: record.question,
      text: `Question : ${record.question}\n\nRéponse : ${record.answer}`,
      ...url(record),
      classification: resolveClassification(record.classification, record.answer, fallback),
      contentHash,
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

function url(record: { source_url?: string | null | undefined; url?: string | null | undefined }): { url?: string } {
  const value = record.source_url ?? record.url;
  return value ? { url: value } : {};
}
