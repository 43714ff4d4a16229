import { isSupported, passageEvidence, supportScore, SUPPORT_THRESHOLD } from './sentence-support.ts';

/**
 * Scores the support check on labelled (sentence, passage, supported?) pairs
 * (test/fixtures/citations/support-pairs.jsonl). The check's positive decision is "unsupported" (the sentence is
 * removed): precision is the share of removed sentences that were indeed unsupported, recall the share of
 * unsupported sentences removed; `kept` is the share of supported sentences kept.
 */

export interface SupportPair {
  passageId: string;
  code: string;
  num: string;
  passage: string;
  sentence: string;
  supported: boolean;
}

export interface SupportEvaluation {
  pairs: number;
  precision: number;
  recall: number;
  kept: number;
  wrong: Array<SupportPair & { score: number }>;
}

export function parseSupportPairs(source: string): SupportPair[] {
  return source.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as SupportPair);
}

export function evaluateSupport(pairs: SupportPair[], threshold = SUPPORT_THRESHOLD): SupportEvaluation {
  const judged = pairs.map((pair) => {
    // The verifier reads a passage with its title ("Code des douanes, art. 414"), as here.
    const score = supportScore(pair.sentence, passageEvidence(`${pair.code}, art. ${pair.num}\n${pair.passage}`));
    return { ...pair, score: score.score, removed: !isSupported(score, threshold) };
  });
  const removed = judged.filter((pair) => pair.removed);
  const unsupported = judged.filter((pair) => !pair.supported);
  const supported = judged.filter((pair) => pair.supported);
  const share = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
  return {
    pairs: pairs.length,
    precision: share(removed.filter((pair) => !pair.supported).length, removed.length),
    recall: share(unsupported.filter((pair) => pair.removed).length, unsupported.length),
    kept: share(supported.filter((pair) => !pair.removed).length, supported.length),
    wrong: judged.filter((pair) => pair.removed === pair.supported).map(({ removed: _removed, ...pair }) => pair),
  };
}
