import { coverage, questionMatch } from './answering/confidence.ts';
import type { Retriever, RetrievedPassage } from './retriever.ts';
import type { Classification } from './types.ts';
import type { RouteDecision, Router } from './router.ts';

export interface EvidenceRouterSettings {
  /**
   * How much better the runner-up base's best passage must match the question (mean of its coverage and its
   * closeness to one of the article's typical questions, both 0–1) for the route to switch to it.
   */
  switchMargin: number;
  /** Highest classification read for the comparison (the offline router's own ceiling: nothing is shown). */
  maxClassification: Classification;
}

export const DEFAULT_EVIDENCE_ROUTER_SETTINGS: Readonly<EvidenceRouterSettings> = Object.freeze({ switchMargin: 0.15, maxClassification: 'diffusion-restreinte' as Classification });

/**
 * A second opinion on the route, from the passages themselves. Agents put customs words in HR questions ("je
 * suis réserviste, je reste payé par la douane ?", "notre brigade ferme, on peut m'envoyer n'importe où ?"):
 * the word statistics then favour the legal code, while the best HR passage answers the question far more
 * closely than the best legal one. The router's choice stands unless the runner-up base's best passage matches
 * the question clearly better; the route then switches and the first choice is searched too (`alsoKb`), so the
 * answer says both bases were consulted. A base forced by the agent (prefix) is never second-guessed.
 */
export class EvidenceRouter implements Router {
  constructor(
    private readonly inner: Router,
    private readonly retriever: Pick<Retriever, 'retrieve'>,
    private readonly settings: EvidenceRouterSettings = DEFAULT_EVIDENCE_ROUTER_SETTINGS,
  ) {}

  async route(question: string, candidates: string[]): Promise<RouteDecision> {
    const decision = await this.inner.route(question, candidates);
    if (decision.method === 'prefix' || candidates.length < 2) return decision;
    const runnerUp = decision.scores.find((score) => score.kb !== decision.kb && candidates.includes(score.kb));
    if (!runnerUp) return decision;
    const [chosen, other] = await Promise.all([this.evidence(question, decision.kb), this.evidence(question, runnerUp.kb)]);
    if (other - chosen <= this.settings.switchMargin) return decision;
    return { ...decision, kb: runnerUp.kb, confidence: runnerUp.confidence, alsoKb: decision.kb };
  }

  /** How closely the base's best passage matches the question (0–1). */
  private async evidence(question: string, kb: string): Promise<number> {
    const { passages } = await this.retriever.retrieve({ question, kb, maxClassification: this.settings.maxClassification, limit: 1 });
    const best: RetrievedPassage | undefined = passages[0];
    return best ? (coverage(question, best) + questionMatch(question, best)) / 2 : 0;
  }
}
