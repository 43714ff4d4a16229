import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { EvalQuestionSchema, type EvalQuestion } from '../knowledge/evaluation.ts';
import { seededRandom, shuffle } from './statistics.ts';

/**
 * The latency query set: every distinct question of `../shared/eval/*.jsonl`, then titles and first
 * sentences of documents drawn from the ingested bases with a fixed seed, shuffled. Titles of code
 * articles ("Code des douanes, art. 414") also exercise the named-article lookup.
 */

export type QueryKind = 'question' | 'title' | 'sentence';

export interface BenchQuery {
  question: string;
  kb: string;
  kind: QueryKind;
}

/** `{id, question, relevant_ids, kb}` lines; lines that do not parse are skipped (the eval command reports them). */
export async function readEvalQuestions(file: string): Promise<EvalQuestion[]> {
  const questions: EvalQuestion[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = EvalQuestionSchema.safeParse(value);
    if (parsed.success) questions.push(parsed.data);
  }
  return questions;
}

/** Distinct (question, base) pairs of every `.jsonl` file in `dir`; empty when the folder is absent. */
export async function evalQuestionsIn(dir: string): Promise<EvalQuestion[]> {
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  const seen = new Set<string>();
  const questions: EvalQuestion[] = [];
  for (const file of files) {
    for (const question of await readEvalQuestions(join(dir, file))) {
      const key = `${question.kb}\n${question.question}`;
      if (seen.has(key)) continue;
      seen.add(key);
      questions.push(question);
    }
  }
  return questions;
}

export async function buildQueries(knowledge: Knowledge, questions: EvalQuestion[], count: number, seed: number): Promise<BenchQuery[]> {
  const random = seededRandom(seed);
  const queries: BenchQuery[] = questions
    .filter((question) => knowledge.catalog.has(question.kb))
    .slice(0, count)
    .map((question) => ({ question: question.question, kb: question.kb, kind: 'question' }));
  const documents: Array<{ kb: string; documentId: string }> = [];
  for (const kb of knowledge.catalog.ids) {
    for (const record of await knowledge.store.listDocuments(kb)) documents.push({ kb, documentId: record.documentId });
  }
  if (documents.length === 0) return shuffle(queries, random);
  shuffle(documents, random);
  for (let i = 0; queries.length < count; i++) {
    const { kb, documentId } = documents[i % documents.length] as { kb: string; documentId: string };
    const [chunk] = await knowledge.store.getChunks(kb, [`${documentId}#0`]);
    if (!chunk) continue;
    const sentence = firstSentence(chunk.text);
    const kind: QueryKind = random() < 0.5 || sentence === undefined ? 'title' : 'sentence';
    queries.push({ question: kind === 'title' ? chunk.title : (sentence as string), kb, kind });
  }
  return shuffle(queries, random);
}

/** The first sentence of at least 40 characters, cut at a word boundary after `maxChars`. */
export function firstSentence(text: string, maxChars = 240): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.{40,}?[.;:!?](?=\s|$)/.exec(flat)?.[0] ?? flat;
  const cut = sentence.length <= maxChars ? sentence : sentence.slice(0, maxChars).replace(/\s+\S*$/, '');
  return /\p{L}/u.test(cut) ? cut : undefined;
}
