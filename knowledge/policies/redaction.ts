import { foldText } from '../analysis/normalise.ts';
import { findPersonalData } from './personal-data/find-personal-data.ts';
import { KIND_LABELS, KIND_TAGS, PERSONAL_DATA_KINDS, type PersonalDataKind } from './personal-data/kinds.ts';

/**
 * Redacts personal data from text before it leaves for an external service (embedder, chat model, router):
 * NIR, e-mail addresses, phone numbers, IBANs, passport and identity-card numbers, person names, dates of
 * birth, postal addresses, number plates, EORI/SIRET/SIREN numbers (`personal-data/find-personal-data.ts`).
 * Article numbers, amounts, law and decree dates, tariff codes and institution names are left alone.
 *
 * Each value becomes a numbered placeholder, the same one for the same value within a request (`Jean Dupont`,
 * then `M. Dupont` → `[PERSONNE_1]` both times), so that the model can still tell people apart; the mapping
 * comes back with the text, and `restore` puts the values back into what the agent will read.
 */

/** Placeholder (`[PERSONNE_1]`) → the value it stands for (its first wording in the request). */
export type RedactionMapping = Readonly<Record<string, string>>;

export interface Redaction {
  text: string;
  /** Labels of what was redacted, one per occurrence, for the audit log (never the values). */
  redacted: string[];
  /** Placeholders of this text and of the mapping passed in. */
  mapping: RedactionMapping;
}

/**
 * Replaces personal data by placeholders. Pass the mapping of an earlier text of the same request (the
 * question before the history turns, say) to keep one placeholder per value across texts.
 */
export function redactPersonalData(text: string, previous: RedactionMapping = {}): Redaction {
  const mapping: Record<string, string> = { ...previous };
  const redacted: string[] = [];
  let result = '';
  let cursor = 0;
  for (const span of findPersonalData(text)) {
    const value = text.slice(span.start, span.end);
    result += text.slice(cursor, span.start) + placeholderFor(span.kind, value, mapping);
    redacted.push(KIND_LABELS[span.kind]);
    cursor = span.end;
  }
  return { text: result + text.slice(cursor), redacted, mapping };
}

/** The text with personal data removed altogether (for measuring how well passages cover a question). */
export function withoutPersonalData(text: string): string {
  let result = '';
  let cursor = 0;
  for (const span of findPersonalData(text)) {
    result += `${text.slice(cursor, span.start)} `;
    cursor = span.end;
  }
  return result + text.slice(cursor);
}

const PLACEHOLDER = new RegExp(`\\[\\s*(${PERSONAL_DATA_KINDS.map((kind) => KIND_TAGS[kind]).join('|')})_(\\d+)\\s*\\]`, 'gi');

/** Puts the values back in place of the placeholders of `mapping` (case and spaces inside brackets forgiven). */
export function restore(text: string, mapping: RedactionMapping): string {
  return text.replace(PLACEHOLDER, (placeholder, tag: string, number: string) => mapping[`[${tag.toUpperCase()}_${number}]`] ?? placeholder);
}

function placeholderFor(kind: PersonalDataKind, value: string, mapping: Record<string, string>): string {
  const prefix = `[${KIND_TAGS[kind]}_`;
  const same = Object.keys(mapping).filter((placeholder) => placeholder.startsWith(prefix));
  const key = identity(kind, value);
  const existing =
    same.find((placeholder) => identity(kind, mapping[placeholder]!) === key) ??
    (kind === 'personne' ? samePerson(key, same.map((placeholder) => [placeholder, identity(kind, mapping[placeholder]!)] as const)) : undefined);
  if (existing) return existing;
  const placeholder = `${prefix}${same.length + 1}]`;
  mapping[placeholder] = value;
  return placeholder;
}

/** What makes two wordings the same value: case, accents and layout ignored; `+33 6…` is `06…`. */
function identity(kind: PersonalDataKind, value: string): string {
  const folded = foldText(value);
  if (kind === 'telephone') return folded.replace(/\D/g, '').replace(/^(?:0033|33)0?(?=[1-9]\d{8}$)/, '0');
  if (kind === 'personne') return folded.replace(/[^\p{L}\s-]/gu, '').replace(/\s+/g, ' ').trim();
  return folded.replace(/[^\p{L}\p{N}@.]/gu, '');
}

/** A one-word name that is a word of exactly one known full name (`Dupont` after `Jean Dupont`), or the reverse. */
function samePerson(key: string, known: ReadonlyArray<readonly [string, string]>): string | undefined {
  const words = key.split(/[\s-]+/);
  const matches = known.filter(([, other]) => {
    const otherWords = other.split(/[\s-]+/);
    return (words.length === 1 && otherWords.length > 1 && otherWords.includes(words[0]!)) || (otherWords.length === 1 && words.length > 1 && words.includes(otherWords[0]!));
  });
  return matches.length === 1 ? matches[0]![0] : undefined;
}
