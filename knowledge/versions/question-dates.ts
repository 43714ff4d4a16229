import { foldText } from '../analysis/normalise.ts';

/**
 * The date a question asks about: "au 1er juillet 2019", "le 01/07/2019", "en 2019", "en juillet 2019",
 * "avant le 1er janvier 2020", "avant la réforme". Read on folded text (accents and case removed); the phrase
 * is reported so that it can be taken out of the words searched ("juillet", "2019" are not in the articles).
 *
 * A year stands for its 1st of July and a month for its 15th (a day well inside the period); "avant <date>" is
 * the day before. "Avant la réforme" has no date of its own: the retriever reads it as the day before the
 * version in force of the article asked about began. "Depuis 2019" asks what changed since, not for the 2019
 * text, and is left to the comparison of versions.
 */

export interface QuestionDate {
  kind: 'date' | 'before-reform';
  /** ISO date (YYYY-MM-DD) for `date`. */
  date?: string;
  /** The words that expressed it, as found in the folded question. */
  phrase: string;
}

const MONTHS = ['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre'];
const MONTH = `(${MONTHS.join('|')})`;
const YEAR = '((?:19|20)\\d{2})';
const DAY = '(1er|premier|\\d{1,2})';

const PATTERNS: Array<{ pattern: RegExp; read: (match: RegExpExecArray) => string | undefined }> = [
  // "au 1er juillet 2019", "le 3 mars 2020", "avant le 1er janvier 2020", "en vigueur le 1 juillet 2019"
  { pattern: new RegExp(`\\b(avant |jusqu'au |jusqu au )?(?:(?:au|le|du|a la date du|en date du)\\s+)?${DAY}\\s+${MONTH}\\s+${YEAR}\\b`), read: (m) => shift(iso(m[4], MONTHS.indexOf(m[3] as string) + 1, dayOf(m[2])), m[1]) },
  // "au 01/07/2019", "le 1-7-2019"
  { pattern: new RegExp(`\\b(avant )?(?:(?:au|le|du)\\s+)?(\\d{1,2})[/.-](\\d{1,2})[/.-]${YEAR}\\b`), read: (m) => shift(iso(m[4], Number(m[3]), Number(m[2])), m[1]) },
  // "au 2019-07-01"
  { pattern: new RegExp(`\\b(avant )?(?:(?:au|le|du)\\s+)?${YEAR}-(\\d{2})-(\\d{2})\\b`), read: (m) => shift(iso(m[2], Number(m[3]), Number(m[4])), m[1]) },
  // "en juillet 2019", "avant juillet 2019"
  { pattern: new RegExp(`\\b(?:(en|avant)\\s+)${MONTH}\\s+${YEAR}\\b`), read: (m) => (m[1] === 'avant' ? shift(iso(m[3], MONTHS.indexOf(m[2] as string) + 1, 1), 'avant') : iso(m[3], MONTHS.indexOf(m[2] as string) + 1, 15)) },
  // "en 2019", "avant 2020", "courant 2019", "pour l'annee 2019"
  { pattern: new RegExp(`\\b(en|avant|courant|(?:pour |durant |pendant )?l'annee|annee)\\s+${YEAR}\\b(?![/.-]\\d)`), read: (m) => (m[1] === 'avant' ? shift(iso(m[2], 1, 1), 'avant') : iso(m[2], 7, 1)) },
];

const BEFORE_REFORM = /\b(?:avant|anterieurement a|avant l'entree en vigueur de) (?:la|sa) (?:reforme|modification|recodification)\b|\bancienne (?:version|redaction)\b|\bversion (?:precedente|anterieure)\b/;

export function findQuestionDate(question: string): QuestionDate | undefined {
  const folded = foldText(question).replace(/[’`]/g, "'");
  for (const { pattern, read } of PATTERNS) {
    const match = pattern.exec(folded);
    if (!match) continue;
    const date = read(match);
    if (date) return { kind: 'date', date, phrase: match[0].trim() };
  }
  const reform = BEFORE_REFORM.exec(folded);
  if (reform) return { kind: 'before-reform', phrase: reform[0] };
  return undefined;
}

/** The question without the words that gave its date, or the question itself when nothing else would be left. */
export function withoutDatePhrase(question: string, found: QuestionDate): string {
  const words = question.split(/(\s+)/);
  const target = found.phrase.split(/\s+/);
  const folded = words.map((word) => foldText(word).replace(/[’`]/g, "'"));
  for (let start = 0; start < words.length; start += 2) {
    let index = start;
    let matched = 0;
    while (matched < target.length && index < words.length && (folded[index] === target[matched] || (matched === target.length - 1 && folded[index]?.startsWith(target[matched] as string)))) {
      matched++;
      index += 2;
    }
    if (matched === target.length) {
      const rest = [...words.slice(0, start), ' ', (folded[index - 2] ?? '').slice((target[matched - 1] ?? '').length), ...words.slice(index)].join('').replace(/\s+/g, ' ').trim();
      return /[\p{L}\p{N}]{3}/u.test(rest) ? rest : question;
    }
  }
  return question;
}

/** The ISO day before `date`. */
export function dayBefore(date: string): string {
  const time = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return new Date(time - 86_400_000).toISOString().slice(0, 10);
}

/** Checks a YYYY-MM-DD string names a real day. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

function dayOf(raw: string | undefined): number {
  return raw === '1er' || raw === 'premier' ? 1 : Number(raw);
}

function iso(year: string | undefined, month: number, day: number): string | undefined {
  const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDay(value) ? value : undefined;
}

function shift(date: string | undefined, before: string | undefined): string | undefined {
  return date && before?.trim() === 'avant' ? dayBefore(date) : date;
}
