import { readFile } from 'node:fs/promises';
import { PasserelleError, toPasserelleError } from '../../bots/errors.ts';
import { articleNumberKey, compareArticleNumbers } from '../../knowledge/analysis/article-references.ts';
import { HEADING_QUALIFIER, headingKey, headingPathMatches } from '../../knowledge/analysis/headings.ts';
import { chunkDocument } from '../../knowledge/ingestion/chunker.ts';
import { loaderFor, SUPPORTED_EXTENSIONS } from '../../knowledge/ingestion/loaders/loader-registry.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import { classificationRank, type Chunk, type Classification } from '../../knowledge/types.ts';
import { isBotRequest, type ConversationMessage } from './conversation-digest.ts';
import type { SummarySection } from './summary-types.ts';

/** Turns what a job names (a file, a code part, messages) into titled sections with references. */

export interface SectionsWithMeta {
  title: string;
  sections: SummarySection[];
  /** Highest classification found: decides whether a model may see the text. */
  classification: Classification;
  /** People named as such (a conversation's senders): replaced by placeholders before a model sees them. */
  people?: string[];
  /** A conversation's messages (requests to the bot left out), for its own extractive summary. */
  messages?: ConversationMessage[];
}

/** The formats an agent may send to be summarised (JSONL, the bases' data format, is not one agents use). */
const DOCUMENT_FORMATS = SUPPORTED_EXTENSIONS.filter((extension) => !['.jsonl', '.ndjson'].includes(extension)).join(', ');

export async function documentSections(file: { path: string; name: string }, maxChars: number): Promise<SectionsWithMeta> {
  const loader = loaderFor(file.name);
  if (!loader) throw new PasserelleError('FILE_UNSUPPORTED', { file: file.name, formats: DOCUMENT_FORMATS });
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    throw new PasserelleError('FILE_UNREADABLE', { file: file.name, reason: 'fichier introuvable' }, { cause: error });
  }
  if (bytes.length === 0) throw new PasserelleError('FILE_EMPTY', { file: file.name });
  let loaded;
  try {
    loaded = await loader(bytes, { source: file.name, displayName: file.name, defaultClassification: 'interne' });
  } catch (error) {
    throw toPasserelleError(error);
  }
  const chunks = loaded.documents.flatMap((document) => chunkDocument(document, 'upload', maxChars));
  if (chunks.length === 0) throw new PasserelleError('FILE_NO_TEXT', { file: file.name });
  const classification = loaded.documents.some((document) => document.classification === 'diffusion-restreinte') ? 'diffusion-restreinte' : 'interne';
  // The agent knows the document by the name of the file they sent; its own first heading is not repeated
  // as a section heading under that title.
  const ownTitle = headingKey(loaded.documents[0]?.title ?? '');
  const sections: SummarySection[] = [];
  for (const chunk of chunks) {
    const heading = chunk.section ?? (chunk.kind === 'article' ? chunk.title : chunk.headingPath[chunk.headingPath.length - 1] ?? chunk.title);
    const reference = chunk.pages ?? (chunk.article ? `art. ${chunk.article.number}` : undefined);
    const previous = sections.at(-1);
    const shown = sections.length === 0 && headingKey(heading) === ownTitle ? '' : heading;
    if (previous && (previous.heading === shown || (previous.heading === '' && headingKey(heading) === ownTitle))) {
      // A section cut in several chunks is one section (its pages joined).
      previous.text = `${previous.text}\n\n${chunk.text}`;
      if (previous.reference && reference) previous.reference = joinedPages(previous.reference, reference);
      continue;
    }
    sections.push({ heading: shown, ...(reference ? { reference } : {}), text: chunk.text });
  }
  return { title: file.name, sections, classification };
}

/** "p. 3" and "p. 4-5" → "p. 3-5"; anything else: the first. */
function joinedPages(first: string, next: string): string {
  const start = /^p\. (\d+)/.exec(first)?.[1];
  const end = /(\d+)$/.exec(next)?.[1];
  if (!start || !end || !next.startsWith('p. ')) return first;
  return start === end ? `p. ${start}` : `p. ${start}-${end}`;
}

export type CodePart = { type: 'heading'; label: string } | { type: 'articles'; from: string; to: string };

/** A title/chapter/section of a code, or a range of its articles, in the code's order. */
export async function codeSections(store: VectorStore, kb: string, code: string, part: CodePart): Promise<SectionsWithMeta> {
  const chunks = inCodeOrder((await store.listChunks(kb, { code })).filter((chunk) => chunk.article));
  if (chunks.length === 0) throw new PasserelleError('CODE_NOT_IN_BASE', { code, kb });
  let selected: Chunk[];
  let title: string;
  if (part.type === 'articles') {
    // A range is every article printed between its two ends, in the code's order: "67" is not "67 A".
    const keys = chunks.map((chunk) => articleNumberKey(chunk.article!.number));
    const ends = [articleNumberKey(part.from), articleNumberKey(part.to)];
    if (ends.some((key) => !keys.includes(key))) throw new PasserelleError('ARTICLES_NOT_FOUND', { from: part.from, to: part.to, code });
    // Written the other way round ("67 bis à 60"), the same range.
    const start = Math.min(...ends.map((key) => keys.indexOf(key)));
    const end = Math.max(...ends.map((key) => keys.lastIndexOf(key)));
    selected = chunks.slice(start, end + 1);
    title = ends[0] === ends[1] ? `${code}, article ${part.from}` : `${code}, articles ${part.from} à ${part.to}`;
  } else {
    // "chapitre II du titre III": every level named must be on the article's heading path.
    const first = headingKey(part.label.split(HEADING_QUALIFIER)[0] ?? '');
    selected = chunks.filter((chunk) => headingPathMatches(part.label, chunk.headingPath));
    const heading = selected[0]?.headingPath.find((entry) => headingKey(entry) === first);
    if (!heading) throw new PasserelleError('HEADING_NOT_FOUND', { label: part.label, code });
    title = `${code} — ${heading}`;
  }
  return {
    title,
    sections: articleSections(selected),
    // The most sensitive article decides (a diffusion-restreinte article must not reach a model cleared for interne).
    classification: highest(selected.map((chunk) => chunk.classification)),
  };
}

export function conversationSections(all: readonly ConversationMessage[], title: string): SectionsWithMeta {
  // One message per line, each ending as a sentence (a message without final punctuation is not run into the next).
  const messages = all.filter((message) => !isBotRequest(message.text)).map((message) => ({ ...message, text: punctuated(message.text) }));
  const byDay = new Map<string, string[]>();
  for (const message of messages) {
    const day = message.at.slice(0, 10);
    const lines = byDay.get(day) ?? [];
    lines.push(`${message.sender} : ${message.text}`);
    byDay.set(day, lines);
  }
  return {
    title,
    sections: [...byDay.entries()].map(([day, lines]) => ({ heading: `Échanges du ${day.split('-').reverse().join('/')}`, text: lines.join('\n') })),
    // At least interne; passages of the bases quoted in it may raise it (summary-policy.ts).
    classification: 'interne',
    people: [...new Set(messages.map((message) => message.sender))],
    messages: all.filter((message) => !isBotRequest(message.text)),
  };
}

function punctuated(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return /[.!?…:;]$/.test(flat) ? flat : `${flat}.`;
}

/**
 * The articles of a code in the order of its source (position in the code file, kept at ingestion) when
 * every article has one from a single source; otherwise by number, as Légifrance orders them. Parts of a
 * long article stay together, in order.
 */
export function inCodeOrder(chunks: Chunk[]): Chunk[] {
  const sources = new Set(chunks.map((chunk) => chunk.source));
  const positioned = sources.size === 1 && chunks.every((chunk) => chunk.article?.position !== undefined);
  return [...chunks].sort((a, b) =>
    (positioned ? a.article!.position! - b.article!.position! : compareArticleNumbers(a.article!.number, b.article!.number)) || a.part - b.part,
  );
}

/** One section per article: the parts of a long article joined again under one heading. */
function articleSections(chunks: Chunk[]): SummarySection[] {
  const sections: Array<SummarySection & { documentId: string }> = [];
  for (const chunk of chunks) {
    const previous = sections.at(-1);
    if (previous && previous.documentId === chunk.documentId) {
      previous.text = `${previous.text}\n\n${chunk.text}`;
      continue;
    }
    const number = chunk.article!.number;
    sections.push({ documentId: chunk.documentId, heading: `Article ${number}`, reference: `art. ${number}`, text: chunk.text, ...(chunk.url ? { url: chunk.url } : {}) });
  }
  return sections.map(({ documentId: _documentId, ...section }) => section);
}

function highest(labels: Classification[]): Classification {
  return labels.reduce<Classification>((top, label) => (classificationRank(label) > classificationRank(top) ? label : top), 'public');
}

