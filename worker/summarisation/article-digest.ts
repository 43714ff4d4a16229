/**
 * What an article of a code says, without a model: the sentences that carry its rule (who may or must do
 * what), its conditions and its sanction, chosen by their role rather than their position, kept whole and
 * in the article's order, under the article's own divisions ("I.", "II." …). An enumeration announced by a
 * sentence ending in ":" is given as the list of its items (their first clause), not dropped.
 */

export interface DigestLine {
  /** Division of the article the sentence belongs to ("I.", "II."), when it has divisions. */
  division?: string;
  text: string;
}

/** Sentences kept per article (per division in a detailed summary). */
const PER_ARTICLE = { court: 2, detaille: 4 } as const;
const PER_DIVISION = { court: 1, detaille: 2 } as const;
/** Divisions given in a short summary (the others are counted). */
const DIVISIONS_SHORT = 3;
/** Items of an enumeration given in a short summary. */
const ITEMS_SHORT = 4;

const RULE = /\b(?:peut|peuvent|doit|doivent|est tenue?s?|sont tenue?s|(?:est|sont) (?:interdite?s?|habilitée?s?|autorisée?s?|soumise?s?|réputée?s?|assimilée?s?|applicables?|punie?s?|passibles?|exonérée?s?|redevables?|chargée?s?|considérée?s?|prohibée?s?)|ont accès|a accès|est (?:dû|due)|sont dus|s'appliquent|s'applique|encourt|encourent|constituent|constitue|ne peut|ne peuvent|est interdit|il est interdit|sont habilités|est habilitée?)\b/i;
const SANCTION = /\b(?:amendes?|emprisonnement|confiscation|punie?s?|passibles?|pénalités?|sanctions?|peines?|majorations?|intérêts? de retard)\b/i;
const ACTOR_NAMES = String.raw`agents? des douanes|administration des douanes|officiers? de police judiciaire|procureur de la République|juges?|toute personne|quiconque|les personnes|le déclarant|déclarants?|redevables?|capitaines?|transporteurs?|commissionnaires?|importateurs?|exportateurs?|entrepositaires?|opérateurs?|le ministre|l'autorité judiciaire|le tribunal`;
const ACTOR = new RegExp(String.raw`\b(?:${ACTOR_NAMES})\b`, 'i');
const BOILERPLATE = /^(?:un décret|les modalités d'application|un arrêté|les conditions d'application|pour l'application du présent article, un décret)\b/i;

/** "I. —", "II.-", "B. —": divisions (Roman) and their lettered subdivisions. */
const DIVISION = /^((?:[IVX]+|[A-H])\s?(?:\.|—|–)(?:\s?[—–-])?)\s+/;
/** "1. Pour la recherche …", "2. a) Hormis …" (article 64). */
const ARABIC_DIVISION = /^(\d{1,2}\.(?:\s?[—–-])?)\s+/;
/** A sentence opening on a long adverbial ("Pour l'application du présent code, du règlement (UE) …, les agents
 * des douanes peuvent …"): the adverbial is left out, marked "(…)", when it is longer than this. */
const LONG_OPENING = 140;
const OPENING = /^(?:pour l'application|sans préjudice|aux fins d[e']|afin d[e']|dans le but d[e']|en vue d[e']|pour la recherche|sous réserve)/i;
const ITEM = /^(\d+°|[a-z]\))\s*/;
/** Where a sentence ends: a full stop (not of an abbreviation) followed by a capital, a quote or a number. */
const SENTENCE_END = /(?<!\b(?:art|arts|al|M|Mme|MM|n|no|L|R|D|cf|p|ex|etc|Cass|crim|civ|J\.O|C|Ier))[.!?](?=\s+(?:[A-ZÀÂÉÈÊÎÔÛÇ«"(]|\d+°))/gu;

interface Candidate {
  division: string | undefined;
  order: number;
  text: string;
  score: number;
  sanction: boolean;
}

export function digestArticle(text: string, length: 'court' | 'detaille'): { lines: DigestLine[]; hiddenDivisions: number } {
  const candidates: Candidate[] = [];
  let division: string | undefined;
  const paragraphs = text.split(/\n\s*\n|\n(?=\s*(?:\d+°|[IVX]+\s?(?:\.|—|–)))/).map((paragraph) => paragraph.replace(/\s+/g, ' ').trim()).filter(Boolean);
  let inList = false;
  for (let index = 0; index < paragraphs.length; index++) {
    let paragraph = paragraphs[index] ?? '';
    const item = ITEM.test(paragraph);
    // Items announced by a sentence ending in ":" are given with it; a numbered paragraph that no sentence
    // announces ("1° Les agents des douanes …" opening article 65) is content of its own.
    if (item && inList) continue;
    inList = false;
    for (let depth = 0, marker = DIVISION.exec(paragraph) ?? ARABIC_DIVISION.exec(paragraph); marker && depth < 2; depth++, marker = DIVISION.exec(paragraph)) {
      const label = (marker[1] ?? '').replace(/[\s.—–-]*$/, '');
      if (/^[IVX]+$/.test(label)) division = `${label}.`;
      else if (/^\d+$/.test(label)) division = `${division && /^[IVX]+\.$/.test(division) ? `${division} ` : ''}${label}.`;
      else division = `${(division ?? '').split(' ')[0]} ${label}.`.trim();
      paragraph = paragraph.slice(marker[0].length);
    }
    for (const [position, sentence] of sentencesOf(paragraph).entries()) {
      let shown = condensed(sentence);
      if (/:\s*$/.test(sentence)) {
        const items = itemsAfter(paragraphs, index);
        inList = items.length > 0;
        if (items.length > 0) shown = `${shown.replace(/\s*:\s*$/, '')} : ${listItems(items, length)}`;
      }
      candidates.push({ division, order: candidates.length, text: shown, score: scoreOf(condensed(sentence), position) + (candidates.length === 0 ? 1.5 : 0), sanction: SANCTION.test(sentence) });
    }
  }
  const usable = candidates.filter((candidate) => candidate.score > 0);
  if (usable.length === 0) {
    // A short article (a definition, a list): its first sentence is its content.
    const first = candidates[0];
    return { lines: first ? [{ ...(first.division ? { division: first.division } : {}), text: first.text }] : [], hiddenDivisions: 0 };
  }
  const divisions = [...new Set(usable.map((candidate) => candidate.division))];
  const kept = new Set<Candidate>();
  let hiddenDivisions = 0;
  if (divisions.length > 1) {
    const shown = length === 'court' ? divisions.slice(0, DIVISIONS_SHORT) : divisions;
    hiddenDivisions = divisions.length - shown.length;
    for (const name of shown) {
      best(usable.filter((candidate) => candidate.division === name), PER_DIVISION[length]).forEach((candidate) => kept.add(candidate));
    }
  } else {
    best(usable, PER_ARTICLE[length]).forEach((candidate) => kept.add(candidate));
  }
  // The sanction is what an agent looks for first: always there when the article has one.
  const sanction = best(usable.filter((candidate) => candidate.sanction), 1)[0];
  if (sanction && ![...kept].some((candidate) => candidate.sanction)) kept.add(sanction);
  const lines = [...kept].sort((a, b) => a.order - b.order).map((candidate) => ({ ...(candidate.division ? { division: candidate.division } : {}), text: candidate.text }));
  return { lines, hiddenDivisions };
}

function best(candidates: Candidate[], count: number): Candidate[] {
  return [...candidates].sort((a, b) => b.score - a.score || a.order - b.order).slice(0, count);
}

function scoreOf(sentence: string, position: number): number {
  if (sentence.length < 25 || !/\p{L}{3}/u.test(sentence)) return 0;
  if (BOILERPLATE.test(sentence)) return 0.5;
  let score = 1;
  if (RULE.test(sentence)) score += 3;
  if (SANCTION.test(sentence)) score += 2.5;
  if (ACTOR.test(sentence)) score += 2;
  if (position === 0) score += 1;
  if (sentence.length > 700) score -= 1.5;
  return score;
}

/** Sentences of a paragraph, whole ("L. 621-1", "art. 60", "n° 952/2013" do not end one). */
export function sentencesOf(paragraph: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(SENTENCE_END)) {
    const end = (match.index ?? 0) + 1;
    sentences.push(paragraph.slice(start, end).trim());
    start = end;
  }
  sentences.push(paragraph.slice(start).trim());
  return sentences.filter((sentence) => sentence.length > 0);
}

/** The items ("1° …", or "a) …") that follow paragraph `index`, of the first item's kind (not their sub-items). */
function itemsAfter(paragraphs: string[], index: number): string[] {
  const items: string[] = [];
  const kind = (paragraph: string) => (/^\d+°/.test(paragraph) ? 'number' : 'letter');
  const first = paragraphs[index + 1] ?? '';
  for (let next = index + 1; next < paragraphs.length && ITEM.test(paragraphs[next] ?? ''); next++) {
    if (kind(paragraphs[next] ?? '') === kind(first)) items.push(paragraphs[next] ?? '');
  }
  return items;
}

/** A sentence without its long opening adverbial, when what follows is its main clause (an actor acting). */
function condensed(sentence: string): string {
  if (!OPENING.test(sentence)) return sentence;
  const actor = new RegExp(String.raw`,\s+(?=(?:(?:les|le|la|l'|tout|toute|ces)\s*)?(?:${ACTOR_NAMES})\b)`, 'gi');
  let cut = -1;
  for (const match of sentence.matchAll(actor)) {
    cut = match.index ?? -1;
    break;
  }
  if (cut < LONG_OPENING) return sentence;
  return `(…) ${sentence.slice(cut + 1).trim()}`;
}

/** "1° la zone terrestre du rayon des douanes ; 2° les bureaux de douane ; … (5 cas)": each item's first clause. */
function listItems(items: string[], length: 'court' | 'detaille'): string {
  const shown = length === 'court' ? items.slice(0, ITEMS_SHORT) : items;
  const heads = shown.map((item) => {
    const clause = item.replace(/[;.,]\s*(?:et|ou)?\s*$/, '').split(/\s*[;:]\s+|,\s+(?=(?:sur|dans|lorsque|sauf|sous|à l'exception|y compris|ainsi que)\b)|\.\s+/)[0] ?? item;
    return clause.replace(/[\s;.,:]+$/, '');
  });
  const rest = items.length - shown.length;
  return `${heads.join(' ; ')}${rest > 0 ? ` ; et ${rest} autre${rest > 1 ? 's' : ''} cas` : ''}.`;
}
