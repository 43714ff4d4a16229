import { foldText } from '../../knowledge/analysis/normalise.ts';
import { checkArticleReferences, referencesInTexts } from '../../knowledge/answering/citation-verifier.ts';
import { redactPersonalData, restore, type RedactionMapping } from '../../knowledge/policies/redaction.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import { classificationRank, type Classification } from '../../knowledge/types.ts';
import type { SummarySection } from './summary-types.ts';

/**
 * The rules every summary obeys, as answers do: what goes to a model is redacted (personal data replaced by
 * placeholders, restored in what the agent reads); a summary carries the highest classification of what it
 * was made from — in a conversation, a passage of the bases that someone (the bot, most often) quoted counts
 * with its own label; and article references a model writes must be articles of what was summarised.
 */

/** Consecutive words that make a quote: long enough that no common phrasing matches by chance. */
const QUOTE_WORDS = 8;

/**
 * The highest classification among the base passages quoted in a conversation (at least `floor`). A passage
 * counts as quoted when `QUOTE_WORDS` consecutive words of it appear in the messages.
 */
export async function quotedClassification(texts: readonly string[], store: VectorStore, kbs: readonly string[], floor: Classification): Promise<Classification> {
  const said = new Set<string>();
  for (const text of texts) for (const shingle of shingles(text)) said.add(shingle);
  if (said.size === 0) return floor;
  let label = floor;
  for (const kb of kbs) {
    for (const chunk of await store.listChunks(kb)) {
      if (classificationRank(chunk.classification) <= classificationRank(label)) continue;
      if (shingles(chunk.text).some((shingle) => said.has(shingle))) label = chunk.classification;
    }
  }
  return label;
}

function shingles(text: string): string[] {
  const words = foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  const result: string[] = [];
  for (let i = 0; i + QUOTE_WORDS <= words.length; i++) result.push(words.slice(i, i + QUOTE_WORDS).join(' '));
  return result;
}

export interface RedactedSections {
  title: string;
  sections: SummarySection[];
  mapping: RedactionMapping;
  /** Labels of what was redacted, for the log (never the values). */
  redacted: string[];
}

/**
 * Sections with personal data replaced by placeholders, consistently across the whole job: `people` (the
 * senders of a conversation) first, by name, then whatever the recogniser finds.
 */
export function redactSections(title: string, sections: readonly SummarySection[], people: readonly string[] = []): RedactedSections {
  const mapping: Record<string, string> = {};
  const byName = new Map<string, string>();
  for (const person of [...new Set(people.map((name) => name.trim()).filter(Boolean))]) {
    const placeholder = `[PERSONNE_${byName.size + 1}]`;
    byName.set(person, placeholder);
    mapping[placeholder] = person;
  }
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  const redacted: string[] = [];
  let current: RedactionMapping = mapping;
  const redact = (text: string) => {
    let named = text;
    for (const name of names) named = named.split(name).join(byName.get(name) ?? name);
    const result = redactPersonalData(named, current);
    current = result.mapping;
    redacted.push(...result.redacted);
    return result.text;
  };
  const safeTitle = redact(title);
  const safeSections = sections.map((section) => ({ ...section, heading: redact(section.heading), text: redact(section.text) }));
  return { title: safeTitle, sections: safeSections, mapping: current, redacted };
}

/** The model's text with the placeholders' values back. */
export function restored(text: string, mapping: RedactionMapping): string {
  return restore(text, mapping);
}

/**
 * A model summary with every article it mentions checked against what was summarised (the articles
 * themselves and the articles their text cites): an invented one is replaced by "[référence retirée]".
 */
export function checkedReferences(markdown: string, sections: readonly SummarySection[]): { markdown: string; removed: number } {
  const numbers = sections.map((section) => /^art\. (.+)$/.exec(section.reference ?? '')?.[1]).filter((number): number is string => Boolean(number));
  const known = referencesInTexts(sections.map((section) => section.text), numbers);
  const { text, removed } = checkArticleReferences(markdown, known);
  return { markdown: text, removed };
}
