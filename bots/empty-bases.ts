import { analyse } from '../knowledge/analysis/french-analyser.ts';
import type { KnowledgeCatalog } from '../knowledge/catalog.ts';
import type { Retriever } from '../knowledge/retriever.ts';
import type { RouteDecision } from '../knowledge/router.ts';

/**
 * Which base a question is about when that base is empty. The router learns from each base's texts, so an
 * empty base never wins a question and a question about it lands in another base (fictional examples, say).
 * From the catalogue alone (name, description, keywords), a question matching an empty base's description
 * better than the chosen base's is answered with « this base is empty, here is how to fill it ».
 */
export class EmptyBases {
  private readonly profiles: Map<string, Set<string>>;
  /** When each base was last seen holding documents. */
  private readonly filled = new Map<string, number>();

  constructor(
    private readonly catalog: KnowledgeCatalog,
    private readonly retriever: Pick<Retriever, 'isEmpty'>,
    /** How long a base seen holding documents is trusted to still hold some (ms). Default 30 s. */
    private readonly ttlMs = 30_000,
  ) {
    this.profiles = new Map(catalog.bases.map((kb) => [kb.id, new Set(analyse([kb.name, kb.description, kb.keywords.join(' ; '), ...(kb.codes ?? [])].join('\n')).terms)]));
  }

  /** The empty base the question is about, if any: the routed base when empty, else an empty candidate whose description matches better. */
  async claimedBy(question: string, route: RouteDecision, candidates: string[]): Promise<string | undefined> {
    const empty = await this.empty(candidates);
    if (empty.size === 0) return undefined;
    if (empty.has(route.kb)) return route.kb;
    if (route.method === 'prefix') return undefined;
    const terms = new Set(analyse(question).terms);
    if (terms.size === 0) return undefined;
    const match = (kb: string) => {
      const profile = this.profiles.get(kb);
      let matched = 0;
      for (const term of terms) if (profile?.has(term)) matched++;
      return matched;
    };
    const routed = match(route.kb);
    let best: { kb: string; matched: number } | undefined;
    for (const kb of empty) {
      const matched = match(kb);
      if (matched >= 2 && matched > routed && (!best || matched > best.matched)) best = { kb, matched };
    }
    return best?.kb;
  }

  /** The empty bases among the candidates. A base found empty is asked again next time (it may have been filled since). */
  private async empty(candidates: string[]): Promise<Set<string>> {
    const empty = new Set<string>();
    for (const kb of candidates) {
      const known = this.filled.get(kb);
      if (known !== undefined && Date.now() - known < this.ttlMs) continue;
      if (await this.isEmpty(kb)) empty.add(kb);
      else this.filled.set(kb, Date.now());
    }
    return empty;
  }

  private async isEmpty(kb: string): Promise<boolean> {
    try {
      return typeof this.retriever.isEmpty === 'function' && (await this.retriever.isEmpty(kb));
    } catch {
      return false;
    }
  }
}
