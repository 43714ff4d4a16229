import { foldText } from './normalise.ts';

/**
 * Acronyms read from the bases' own texts. Agents write « AMR », « CITIS », « OPJ », « CDI »; the codes write « avis de
 * mise en recouvrement », « congé pour invalidité temporaire imputable au service », « officier de police
 * judiciaire », « contrat à durée indéterminée ». A capitalised word of the question that the base does not use is
 * looked for, letter by letter, as the initials of a phrase of the base's texts (small words such as « de », « à »,
 * « aux » skipped); the phrase the texts use most often is read as its
 * meaning when it clearly dominates the other phrases with the same initials. Nothing is written by hand: a base
 * that never spells an acronym out gets no reading, and the lexicon's entries (lexicon.yaml) are left to it.
 */

export interface AcronymSettings {
  /** Shortest and longest acronym read (two letters match too many phrases: « TP » is left to the lexicon). */
  minLength: number;
  maxLength: number;
  /** The phrase must occur at least this often in the base's texts. */
  minCount: number;
  /** …and this many times more often than the next phrase with the same initials. */
  dominance: number;
  /** A capitalised word the base's texts use at least this often (folded) is a word, not an acronym to read. */
  knownWordCount: number;
}

export const DEFAULT_ACRONYM_SETTINGS: Readonly<AcronymSettings> = Object.freeze({ minLength: 3, maxLength: 6, minCount: 4, dominance: 2, knownWordCount: 3 });

/**
 * Small words skipped between the initials. Folded. They never give a letter: when « à » and « aux » did, « PAF » read as
 * « participent à la fabrication » and « PACS » as « personnel aux comités sociaux », and the names they would serve
 * (« police aux frontières », « société à responsabilité limitée ») are not in the codes.
 */
const SMALL_WORDS = ['de', 'du', 'des', 'la', 'le', 'les', 'l', 'd', 'en', 'a', 'au', 'aux', 'et', 'pour', 'sur', 'par', 'dans'];
const GAP = `(?:[\\s'-]+(?:${SMALL_WORDS.join('|')})(?=[\\s'-]))*[\\s'-]+`;
/** Words that make a phrase a piece of a sentence rather than a name (« destiné à être », « détachés auprès d'une »). */
const NOT_IN_NAMES = new Set(['un', 'une', 'etre', 'avoir', 'faire', 'est', 'sont', 'ont', 'font', 'peut', 'peuvent', 'doit', 'doivent', 'son', 'sa', 'ses', 'leur', 'leurs', 'tout', 'toute', 'tous', 'toutes', 'ce', 'cette', 'ces', 'qui', 'que', 'dont', 'ne', 'pas', 'se', 'il', 'elle', 'ils']);

/** The capitalised words of a question that may be acronyms (as typed, each once). */
export function acronymCandidates(question: string, settings: AcronymSettings = DEFAULT_ACRONYM_SETTINGS): string[] {
  const found = new Set<string>();
  for (const match of question.matchAll(/(?<![\p{L}\d])\p{Lu}{2,}(?![\p{L}\d])/gu)) {
    const word = match[0];
    if (word.length >= settings.minLength && word.length <= settings.maxLength && /^[A-Z]+$/.test(word)) found.add(word);
  }
  return [...found];
}

/** The phrase of the texts (folded) that the acronym stands for, when one clearly dominates; undefined otherwise. */
export function expandAcronym(acronym: string, texts: Iterable<string>, settings: AcronymSettings = DEFAULT_ACRONYM_SETTINGS): string | undefined {
  const letters = acronym.toLowerCase().split('');
  // Each letter: a word of three letters or more starting with it.
  const pattern = new RegExp(`(?<![a-z])${letters.map((letter) => `${letter}[a-z]{2,}`).join(GAP)}(?![a-z])`, 'g');
  // Variants of one name (plural, hyphen) counted together under their words' first five letters.
  const counts = new Map<string, { count: number; variants: Map<string, number> }>();
  const itself = new RegExp(`(?<![a-z])${acronym.toLowerCase()}(?![a-z])`, 'g');
  let used = 0;
  for (const text of texts) {
    const folded = foldText(text.replace(/<[^>]*>/g, ' ')).replace(/[^a-z0-9'\s-]+/g, ' ');
    used += folded.match(itself)?.length ?? 0;
    for (const match of folded.matchAll(pattern)) {
      const phrase = match[0].replace(/\s+/g, ' ').trim();
      // A phrase starting or ending on a small word is a fragment, not a name.
      const words = phrase.split(/[\s'-]+/);
      if (SMALL_WORDS.includes(words[0] as string) || SMALL_WORDS.includes(words.at(-1) as string)) continue;
      if (words.some((word) => NOT_IN_NAMES.has(word))) continue;
      const key = words.map((word) => word.slice(0, 5)).join(' ');
      const entry = counts.get(key) ?? { count: 0, variants: new Map<string, number>() };
      entry.count++;
      entry.variants.set(phrase, (entry.variants.get(phrase) ?? 0) + 1);
      counts.set(key, entry);
    }
  }
  // A word the texts themselves use (« CAP » in « cap » …) is theirs to match, not an acronym to read.
  if (used >= settings.knownWordCount) return undefined;
  const ranked = [...counts.values()]
    .map((entry): [string, number] => [[...entry.variants.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0], entry.count])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [first, second] = ranked;
  if (!first || first[1] < settings.minCount || first[1] < (second?.[1] ?? 0) * settings.dominance) return undefined;
  return first[0];
}

/**
 * Reads a question's acronyms against one base's texts; each acronym is looked up once per base and kept until the
 * base changes (the caller passes a generation: its chunk count or write counter).
 */
export class AcronymReader {
  private readonly cache = new Map<string, { generation: number; expansions: Map<string, string | undefined> }>();
  readonly settings: AcronymSettings;

  constructor(
    /** The base's texts and a number that changes when they do. */
    private readonly source: (kb: string) => Promise<{ generation: number; texts: () => Promise<string[]> }>,
    /** Acronyms read elsewhere (the lexicon), left alone. */
    private readonly readElsewhere: (acronym: string) => boolean = () => false,
    settings: Partial<AcronymSettings> = {},
  ) {
    this.settings = { ...DEFAULT_ACRONYM_SETTINGS, ...settings };
  }

  /** The acronyms of the question the base's texts spell out, as `{ from, to }` (folded acronym, folded phrase). */
  async read(kb: string, question: string): Promise<Array<{ from: string; to: string }>> {
    const candidates = acronymCandidates(question, this.settings);
    if (candidates.length === 0) return [];
    const base = await this.source(kb);
    let entry = this.cache.get(kb);
    if (!entry || entry.generation !== base.generation) {
      entry = { generation: base.generation, expansions: new Map() };
      this.cache.set(kb, entry);
    }
    const out: Array<{ from: string; to: string }> = [];
    let texts: string[] | undefined;
    for (const acronym of candidates) {
      const folded = acronym.toLowerCase();
      if (this.readElsewhere(acronym)) continue;
      if (!entry.expansions.has(folded)) {
        texts ??= await base.texts();
        entry.expansions.set(folded, expandAcronym(acronym, texts, this.settings));
      }
      const phrase = entry.expansions.get(folded);
      if (phrase) out.push({ from: folded, to: phrase });
    }
    return out;
  }
}
