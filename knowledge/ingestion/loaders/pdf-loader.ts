import { getDocumentProxy } from 'unpdf';
import { PasserelleError } from '../../../bots/errors.ts';
import type { Loader } from './loader.ts';
import { fileDocument } from './file-document.ts';
import { cleanText } from './text-decoding.ts';
import { isFrenchWord } from '../../analysis/french-words.ts';
import { foldText } from '../../analysis/normalise.ts';

/** Changes when the text extraction changes, so that PDFs indexed by an earlier version are read again. */
const EXTRACTION_REVISION = 'pdf-hyphens-2';

/**
 * PDF through unpdf (PDF.js). Text is rebuilt into paragraphs per page, keeping the page number of each
 * paragraph for citations; short stand-alone lines without final punctuation are taken as section headings.
 * Password-protected, corrupt and image-only PDFs are refused with distinct errors.
 */
export const loadPdf: Loader = async (bytes, context) => {
  const file = context.displayName;
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) throw new PasserelleError('FILE_CORRUPT', { file, reason: 'ce n’est pas un PDF' });
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, stopAtErrors: false });
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (name === 'PasswordException') throw new PasserelleError('FILE_PASSWORD_PROTECTED', { file }, { cause: error });
    throw new PasserelleError('FILE_CORRUPT', { file, reason: 'structure PDF invalide' }, { cause: error });
  }
  try {
    const paragraphs: string[] = [];
    const pages: number[] = [];
    let title: string | undefined;
    const info = await pdf.getMetadata().catch(() => undefined);
    const infoTitle = (info?.info as { Title?: unknown } | undefined)?.Title;
    if (typeof infoTitle === 'string' && infoTitle.trim()) title = infoTitle.trim();
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const lines: string[] = [];
      let current = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        current += item.str;
        if (item.hasEOL) {
          lines.push(current);
          current = '';
        }
      }
      if (current) lines.push(current);
      for (const paragraph of toParagraphs(lines)) {
        paragraphs.push(paragraph);
        pages.push(number);
      }
    }
    const text = paragraphs.join('\n\n');
    if (cleanText(text) === '') throw new PasserelleError('FILE_NO_TEXT', { file });
    return fileDocument(bytes, context, { text, pages, revision: EXTRACTION_REVISION, ...(title ? { title } : {}) });
  } catch (error) {
    if (error instanceof PasserelleError) throw error;
    throw new PasserelleError('FILE_CORRUPT', { file, reason: 'contenu PDF illisible' }, { cause: error });
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
};

function toParagraphs(lines: string[]): string[] {
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const value = cleanText(current.replace(/\s+/g, ' '));
    if (value) paragraphs.push(value);
    current = '';
  };
  for (const raw of lines) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (line === '') {
      flush();
      continue;
    }
    if (current === '' && looksLikeHeading(line)) {
      paragraphs.push(`## ${line}`);
      continue;
    }
    current = current ? joinLine(current, line) : line;
    if (/[.!?:;»"]$/.test(line)) flush();
  }
  flush();
  return paragraphs;
}

function looksLikeHeading(line: string): boolean {
  return line.length <= 70 && !/[.,;:!?]$/.test(line) && /^[A-ZÀ-Ý0-9]/.test(line) && /[a-zà-ÿ]{3}/i.test(line) && !/^\d+$/.test(line);
}

/**
 * Joins a line to the paragraph. A line ending with a hyphen before a lower-case word is either a compound
 * split at its hyphen (« Au-/delà », « procès-/verbal »: the hyphen stays) or a word hyphenated by the
 * typesetter (« déclara-/tion »: the hyphen goes). The French word list decides; when it knows neither form
 * the hyphen is kept, since a visible hyphen misleads less than two words glued together. A soft hyphen
 * (U+00AD) is always a typesetter's.
 */
export function joinLine(current: string, line: string): string {
  if (current.endsWith('\u00ad')) return `${current.slice(0, -1)}${line}`;
  if (!current.endsWith('-') || !/^[a-zà-ÿ]/.test(line)) return `${current} ${line}`;
  const before = (/([\p{L}-]*)-$/u.exec(current)?.[1] ?? '').toLowerCase();
  const after = (/^[\p{L}-]+/u.exec(line)?.[0] ?? '').toLowerCase();
  const joined = isFrenchWord(foldText(`${before}${after}`));
  const compound = isFrenchWord(foldText(`${before}-${after}`));
  return joined && !compound ? `${current.slice(0, -1)}${line}` : `${current}${line}`;
}
