import { foldText } from '../analysis/normalise.ts';
import { CLASSIFICATIONS, type Classification } from '../types.ts';

/**
 * Reads a document's classification: an explicit label (front matter, JSONL field) wins, then a marking
 * banner in the first lines ("INTERDIT IA", "DIFFUSION RESTREINTE", "Classification : interne"), then the
 * source's default.
 */

const BANNER_WINDOW = 600;

export function parseClassificationLabel(value: unknown): Classification | undefined {
  if (typeof value !== 'string') return undefined;
  const folded = foldText(value).trim().replace(/[\s_']+/g, '-');
  if (/^interdit-?(a-l-)?ia$|^interdit-(a-l-)?intelligence-artificielle$/.test(folded)) return 'interdit-ia';
  return CLASSIFICATIONS.find((label) => label === folded);
}

export function classificationFromBanner(text: string): Classification | undefined {
  const head = foldText(text.slice(0, BANNER_WINDOW));
  if (/interdit[\s-]*(?:a l'|aux? |pour l'|pour les )?(?:ia\b|intelligence artificielle)/.test(head)) return 'interdit-ia';
  const explicit = /classification\s*:\s*([a-z -]+)/.exec(head);
  const label = explicit ? parseClassificationLabel(explicit[1]?.split(/\s{2,}|\n/)[0]) : undefined;
  if (label) return label;
  if (/diffusion restreinte/.test(head)) return 'diffusion-restreinte';
  return undefined;
}

export function resolveClassification(explicit: unknown, text: string, fallback: Classification): Classification {
  return parseClassificationLabel(explicit) ?? classificationFromBanner(text) ?? fallback;
}
