import type { Chunk, SourceDocument } from '../types.ts';

/**
 * Structure-aware chunking. A legal article is one chunk (a long one is split on paragraphs, every part
 * keeping the article's identity and headings); a Q/A pair stays whole; other documents are split on their
 * headings, then on paragraphs, then on sentences, so no chunk exceeds `maxChars` unless one sentence does.
 */

interface Block {
  text: string;
  page?: number;
}

interface Section {
  headings: string[];
  blocks: Block[];
}

export function chunkDocument(document: SourceDocument, kb: string, maxChars: number): Chunk[] {
  if (document.kind === 'qa') return finalise(document, kb, [{ text: document.text, headings: [] }]);
  if (document.kind === 'article') {
    const groups = groupBlocks(paragraphBlocks(document.text), maxChars);
    return finalise(
      document,
      kb,
      groups.map((blocks) => ({ text: blocks.map((block) => block.text).join('\n\n'), headings: [] })),
    );
  }
  const pieces: Array<{ text: string; headings: string[]; pages?: string }> = [];
  for (const section of splitSections(document)) {
    for (const blocks of groupBlocks(section.blocks, maxChars)) {
      const range = pageRange(blocks);
      pieces.push({ text: blocks.map((block) => block.text).join('\n\n'), headings: section.headings, ...(range ? { pages: range } : {}) });
    }
  }
  return finalise(document, kb, pieces);
}

function finalise(
  document: SourceDocument,
  kb: string,
  pieces: Array<{ text: string; headings: string[]; pages?: string }>,
): Chunk[] {
  const parts = pieces.length;
  return pieces.map((piece, part) => {
    const section = piece.headings[piece.headings.length - 1];
    const chunk: Chunk = {
      id: `${document.documentId}#${part}`,
      kb,
      documentId: document.documentId,
      source: document.source,
      kind: document.kind,
      title: document.title,
      headingPath: [...document.headingPath, ...piece.headings.slice(0, -1)],
      text: piece.text,
      classification: document.classification,
      part,
      parts,
      contentHash: document.contentHash,
    };
    if (section) chunk.section = section;
    else if (document.kind === 'article' && parts > 1) chunk.section = `partie ${part + 1}/${parts}`;
    if (document.url) chunk.url = document.url;
    if (document.article) chunk.article = document.article;
    if (piece.pages) chunk.pages = piece.pages;
    if (document.enrichment) chunk.enrichment = document.enrichment;
    if (document.example) chunk.example = true;
    return chunk;
  });
}

function paragraphBlocks(text: string, pages?: number[]): Block[] {
  return text
    .split(/\n{2,}/)
    .map((paragraph, index) => {
      const page = pages?.[index];
      return page === undefined ? { text: paragraph.trim() } : { text: paragraph.trim(), page };
    })
    .filter((block) => block.text.length > 0);
}

function splitSections(document: SourceDocument): Section[] {
  const sections: Section[] = [];
  const stack: Array<{ level: number; title: string }> = [];
  let current: Section = { headings: [], blocks: [] };
  for (const block of paragraphBlocks(document.text, document.pages)) {
    const heading = /^(#{1,6})\s+(.+)$/.exec(block.text);
    if (heading && !block.text.includes('\n')) {
      if (current.blocks.length > 0) sections.push(current);
      const level = heading[1]?.length ?? 1;
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      stack.push({ level, title: (heading[2] ?? '').trim() });
      current = { headings: stack.map((entry) => entry.title), blocks: [] };
      continue;
    }
    current.blocks.push(block);
  }
  if (current.blocks.length > 0) sections.push(current);
  return sections;
}

/** Packs blocks into groups of at most `maxChars`, splitting an oversized block on sentences. */
function groupBlocks(blocks: Block[], maxChars: number): Block[][] {
  const groups: Block[][] = [];
  let group: Block[] = [];
  let size = 0;
  const pieces = blocks.flatMap((block) => (block.text.length > maxChars ? splitLongBlock(block, maxChars) : [block]));
  for (const piece of pieces) {
    if (group.length > 0 && size + piece.text.length + 2 > maxChars) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(piece);
    size += piece.text.length + 2;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function splitLongBlock(block: Block, maxChars: number): Block[] {
  const sentences = block.text.match(/[^.!?;]+(?:[.!?;]+|$)\s*/g) ?? [block.text];
  const out: Block[] = [];
  let current = '';
  for (const sentence of sentences) {
    // A sentence longer than maxChars is cut between words (inside a word only when one word is longer).
    for (const slice of sentence.length > maxChars ? wordSlices(sentence, maxChars) : [sentence]) {
      if (current.length + slice.length > maxChars && current) {
        out.push({ ...block, text: current.trim() });
        current = '';
      }
      current += slice;
    }
  }
  if (current.trim()) out.push({ ...block, text: current.trim() });
  return out;
}

function wordSlices(sentence: string, maxChars: number): string[] {
  const words = (sentence.match(/\S+\s*/g) ?? [sentence]).flatMap((word) => {
    const parts: string[] = [];
    for (let start = 0; start < word.length; start += maxChars) parts.push(word.slice(start, start + maxChars));
    return parts;
  });
  return words;
}

function pageRange(blocks: Block[]): string | undefined {
  const pages = blocks.map((block) => block.page).filter((page): page is number => page !== undefined);
  if (pages.length === 0) return undefined;
  const first = Math.min(...pages);
  const last = Math.max(...pages);
  return first === last ? `p. ${first}` : `p. ${first}-${last}`;
}
