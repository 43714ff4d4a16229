import { analyse } from '../../knowledge/analysis/french-analyser.ts';
import { digestArticle } from './article-digest.ts';
import type { SummaryInput, SummaryResult } from './summary-types.ts';

/**
 * Summary without a model: sentences scored by how central their words are to the whole text (term
 * frequency over the document, damped by sentence length, with a bonus for the opening of a section),
 * the best kept in their original order under their section heading with its reference. Articles of a
 * code are digested one by one instead (article-digest.ts): every article of the part, in the code's
 * order, linked to its text. Headings are bold lines (chat clients show Markdown titles far too large).
 * Always returns.
 */

const BUDGET = { court: 10, detaille: 40 } as const;
const PER_SECTION = { court: 2, detaille: 5 } as const;

interface Sentence {
  section: number;
  position: number;
  text: string;
  score: number;
}

export function extractiveSummary(input: SummaryInput): SummaryResult {
  if (input.sections.length > 0 && input.sections.every((section) => section.reference?.startsWith('art. '))) return articlesSummary(input);
  const frequencies = new Map<string, number>();
  const sentences: Sentence[] = [];
  input.sections.forEach((section, sectionIndex) => {
    splitSentences(section.text).forEach((text, position) => {
      const terms = analyse(text).terms;
      for (const term of new Set(terms)) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      sentences.push({ section: sectionIndex, position, text, score: terms.length });
    });
  });
  for (const sentence of sentences) {
    const terms = [...new Set(analyse(sentence.text).terms)];
    const weight = terms.reduce((sum, term) => sum + Math.log(1 + (frequencies.get(term) ?? 0)), 0);
    const lengthPenalty = Math.sqrt(Math.max(terms.length, 4));
    sentence.score = terms.length < 4 ? 0 : (weight / lengthPenalty) * (sentence.position === 0 ? 1.3 : 1);
  }
  const budget = Math.max(BUDGET[input.length], Math.min(input.sections.length, BUDGET[input.length] * 2));
  const perSection = new Map<number, number>();
  const kept = new Set<Sentence>();
  for (const sentence of [...sentences].sort((a, b) => b.score - a.score)) {
    if (kept.size >= budget) break;
    if (sentence.score === 0) continue;
    const count = perSection.get(sentence.section) ?? 0;
    if (count >= PER_SECTION[input.length]) continue;
    perSection.set(sentence.section, count + 1);
    kept.add(sentence);
  }
  const lines = [summaryTitle(input), ''];
  input.sections.forEach((section, index) => {
    const chosen = sentences.filter((sentence) => sentence.section === index && kept.has(sentence));
    if (chosen.length === 0) return;
    if (section.heading) lines.push(`**${section.heading}**${section.reference ? ` (${section.reference})` : ''}`);
    else if (section.reference) lines.push(`_(${section.reference})_`);
    for (const sentence of chosen) lines.push(`- ${sentence.text}`);
    lines.push('');
  });
  if (kept.size === 0) lines.push('_Le texte ne contient pas de phrase exploitable pour un résumé._');
  lines.push('_Résumé extractif : phrases reprises telles quelles du texte, sans reformulation._');
  return { markdown: lines.join('\n').trim(), method: 'extractive', inputTokens: 0, outputTokens: 0 };
}

/** "**Résumé court — Code des douanes, articles 60 à 67 bis**". */
export function summaryTitle(input: Pick<SummaryInput, 'title' | 'length'>): string {
  return `**Résumé ${input.length === 'court' ? 'court' : 'détaillé'} — ${input.title}**`;
}

/** Every article, in the order given (the code's), with what it says and a link to its full text. */
function articlesSummary(input: SummaryInput): SummaryResult {
  const lines = [summaryTitle(input), ''];
  for (const section of input.sections) {
    lines.push(section.url ? `**[${section.heading}](${section.url})**` : `**${section.heading}**`);
    const { lines: digest, hiddenDivisions } = digestArticle(section.text, input.length);
    for (const line of digest) lines.push(`- ${line.division ? `${line.division} ` : ''}${line.text}`);
    if (digest.length === 0) lines.push('- _(article sans texte exploitable)_');
    if (hiddenDivisions > 0) lines.push(`- _… et ${hiddenDivisions} autre${hiddenDivisions > 1 ? 's' : ''} paragraphe${hiddenDivisions > 1 ? 's' : ''} numéroté${hiddenDivisions > 1 ? 's' : ''} (résumé détaillé ou texte complet)._`);
    lines.push('');
  }
  lines.push('_Résumé extractif : phrases reprises telles quelles des articles, sans reformulation ; le lien de chaque article mène à son texte complet sur Légifrance._');
  return { markdown: lines.join('\n').trim(), method: 'extractive', inputTokens: 0, outputTokens: 0 };
}

export function splitSentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?;]+(?:[.!?;]+|$)/g) ?? [])
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 20 && /[\p{L}]{3}/u.test(sentence))
    .map((sentence) => (sentence.length > 400 ? `${sentence.slice(0, 399)}…` : sentence));
}
