import type { VectorStore } from '../ports/vector-store.ts';
import type { Chunk } from '../types.ts';
import { isoToDay, UNKNOWN_END_DAY, UNKNOWN_START_DAY } from '../stores/validity.ts';
import { BaseCache } from './base-cache.ts';
import { runCooperatively, type Steps } from './cooperative.ts';
import { checkItem, type ItemProblem } from './quiz-check.ts';
import { generateQuizCooperatively } from './quiz-generator.ts';
import { kbOfItem, type QuizItem } from './quiz-item.ts';

/**
 * The quiz items of each base, written from the store's texts on first use, checked against those texts,
 * and written again when the base's documents change (base-cache.ts). Only items that pass the check are
 * kept; the report says how many were written and why the others were dropped.
 */

export interface QuizBaseReport {
  kb: string;
  documents: number;
  /** Documents that gave at least one kept item. */
  documentsWithItems: number;
  /** Items written, before the check. */
  generated: number;
  /** Items whose expected answer is in the cited text and that passed every other check (kept). */
  passed: number;
  /** Dropped items, by problem (an item may have several). */
  problems: Record<ItemProblem, number>;
  byKind: Record<QuizItem['kind'], number>;
  /** Kept items framed by an agents' question (the base's enrichment). */
  withSituation: number;
  /** Writing and checking time, ms. */
  generationMs: number;
}

export interface QuizBase {
  items: QuizItem[];
  byId: ReadonlyMap<string, QuizItem>;
  report: QuizBaseReport;
}

export class QuizBank {
  private readonly bases: BaseCache<QuizBase>;

  constructor(
    private readonly store: Pick<VectorStore, 'listChunks' | 'listDocuments'>,
    recheckMs = 60_000,
    now: () => number = Date.now,
  ) {
    this.bases = new BaseCache(store, (kb) => this.build(kb), recheckMs, now);
  }

  /** The base's checked items (written on first use, or again after its documents changed). */
  base(kb: string): Promise<QuizBase> {
    return this.bases.get(kb);
  }

  /** One item by id, from its base's current items; undefined when its text changed since. */
  async item(id: string): Promise<QuizItem | undefined> {
    const kb = kbOfItem(id);
    if (!kb) return undefined;
    return (await this.base(kb)).byId.get(id);
  }

  private async build(kb: string): Promise<QuizBase> {
    const started = performance.now();
    // Only texts in force: a repealed version of an article (kept for `explique`) is not quizzed.
    const today = isoToDay(new Date().toISOString(), 0);
    const chunks = (await this.store.listChunks(kb)).filter((chunk) => isoToDay(chunk.article?.validTo, UNKNOWN_END_DAY) >= today && isoToDay(chunk.article?.validFrom, UNKNOWN_START_DAY) <= today);
    const generated = await generateQuizCooperatively(chunks);
    const texts = documentTexts(chunks);
    const problems: Record<ItemProblem, number> = { 'text-changed': 0, 'answer-not-in-text': 0, 'distractor-in-text': 0, 'choices-invalid': 0 };
    const items = await runCooperatively(
      (function* (): Steps<QuizItem[]> {
        const kept: QuizItem[] = [];
        for (const item of generated.items) {
          const check = checkItem(item, texts.get(item.documentId) ?? '');
          for (const problem of check.problems) problems[problem] += 1;
          if (check.ok) kept.push(item);
          yield;
        }
        return kept;
      })(),
    );
    const report: QuizBaseReport = {
      kb,
      documents: generated.documents,
      documentsWithItems: new Set(items.map((item) => item.documentId)).size,
      generated: generated.items.length,
      passed: items.length,
      problems,
      byKind: { quantity: items.filter((item) => item.kind === 'quantity').length, term: items.filter((item) => item.kind === 'term').length },
      withSituation: items.filter((item) => item.situation).length,
      generationMs: Math.round(performance.now() - started),
    };
    return { items, byId: new Map(items.map((item) => [item.id, item])), report };
  }
}

/** Each document's text as the store holds it: its chunks in order, joined by blank lines. */
function documentTexts(chunks: readonly Chunk[]): Map<string, string> {
  const parts = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const list = parts.get(chunk.documentId) ?? [];
    list.push(chunk);
    parts.set(chunk.documentId, list);
  }
  return new Map([...parts].map(([id, list]) => [id, list.sort((a, b) => a.part - b.part).map((chunk) => chunk.text).join('\n\n')]));
}
