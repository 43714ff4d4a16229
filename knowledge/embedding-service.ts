import { PasserelleError, toPasserelleError } from '../bots/errors.ts';
import type { Embedder } from './ports/embedder.ts';

/**
 * The policy around an Embedder: batches sized to the smaller of the configured batch and the embedder's
 * limit, a time limit per call, and retries with exponential backoff for retryable failures only.
 *
 * And its health: a service that does not answer (at start, or later after the retries) is marked down; while
 * it is down, calls fail at once (search goes lexical without waiting for time-outs) and the service is probed
 * again at most every `reprobeMs`; the first probe that answers brings dense search back. Each transition is
 * logged once, not every question.
 */
export interface EmbeddingPolicy {
  batchSize: number;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff delay, ms; doubles each retry. Default 500. */
  backoffMs?: number;
  /** While the service is down, delay between two probes, ms. Default 30,000. */
  reprobeMs?: number;
}

export interface EmbeddingHealthOptions {
  /** One short request that succeeds when the service answers (and learns the vector size). */
  probe?: (signal: AbortSignal) => Promise<void>;
  /** Where the transitions (down, back) are reported. */
  log?: (message: string) => void;
  /** Clock, ms (tests). */
  now?: () => number;
}

interface Down {
  since: number;
  lastProbe: number;
  cause: string;
}

export class EmbeddingService {
  private down: Down | undefined;
  private probing: Promise<boolean> | undefined;

  constructor(
    readonly embedder: Embedder,
    private readonly policy: EmbeddingPolicy,
    private readonly health: EmbeddingHealthOptions = {},
  ) {}

  /**
   * Probes the service once; when it does not answer (unavailable, time-out, 429/5xx) the service starts down
   * — lexical search, re-probed later — and the warning is logged. Other failures (refused key, unknown model)
   * are configuration errors and are thrown.
   */
  static async start(embedder: Embedder, policy: EmbeddingPolicy, health: EmbeddingHealthOptions): Promise<EmbeddingService> {
    const service = new EmbeddingService(embedder, policy, health);
    if (!health.probe) return service;
    try {
      await health.probe(AbortSignal.timeout(policy.timeoutMs));
    } catch (error) {
      const failure = toEmbedderError(error);
      if (!failure.retryable) throw failure;
      service.markDown(failure, 'at start');
    }
    return service;
  }

  get dimensions(): number {
    return this.embedder.dimensions;
  }

  /** True unless the service is known to be down. */
  get available(): boolean {
    return this.down === undefined;
  }

  /**
   * Resolves when the service answers (probing it now if it is down), else throws EMBEDDER_UNAVAILABLE:
   * for ingestion, which must not store chunks without their vectors.
   */
  async ensureAvailable(): Promise<void> {
    if (!this.down) return;
    if (!(await this.reprobe(true))) throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error(`embeddings service down: ${this.down?.cause ?? 'unknown'}`) });
  }

  async embedAll(texts: string[]): Promise<Float32Array[]> {
    await this.ensureUsable();
    const size = Math.max(1, Math.min(this.policy.batchSize, this.embedder.maxInputsPerCall));
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += size) {
      vectors.push(...(await this.withRetries(texts.slice(start, start + size))));
    }
    return vectors;
  }

  async embedOne(text: string): Promise<Float32Array> {
    await this.ensureUsable();
    const [vector] = await this.withRetries([text]);
    if (!vector) throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error('empty embedding response') });
    return vector;
  }

  /** Down and not due for a probe: fail at once. Due: probe (one caller at a time). */
  private async ensureUsable(): Promise<void> {
    if (!this.down) return;
    if (!(await this.reprobe(false))) {
      throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error(`embeddings service down since ${new Date(this.down.since).toISOString()}: ${this.down.cause}`) });
    }
  }

  private async reprobe(now: boolean): Promise<boolean> {
    const down = this.down;
    if (!down) return true;
    if (!this.health.probe) return false;
    if (!now && this.clock() - down.lastProbe < (this.policy.reprobeMs ?? 30_000)) return false;
    this.probing ??= (async () => {
      down.lastProbe = this.clock();
      try {
        await this.health.probe!(AbortSignal.timeout(this.policy.timeoutMs));
        this.down = undefined;
        this.health.log?.(`embeddings service answers again after ${Math.round((this.clock() - down.since) / 1000)} s: dense search resumed`);
        return true;
      } catch (error) {
        down.cause = describe(error);
        return false;
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
  }

  private markDown(failure: PasserelleError, when: string): void {
    if (this.down) return;
    const at = this.clock();
    this.down = { since: at, lastProbe: at, cause: describe(failure) };
    this.health.log?.(
      `embeddings service unavailable ${when} (${this.down.cause}): lexical search only, probed again every ${Math.round((this.policy.reprobeMs ?? 30_000) / 1000)} s`,
    );
  }

  private clock(): number {
    return this.health.now?.() ?? Date.now();
  }

  private async withRetries(batch: string[]): Promise<Float32Array[]> {
    let attempt = 0;
    for (;;) {
      try {
        const vectors = await this.embedder.embed(batch, { signal: AbortSignal.timeout(this.policy.timeoutMs) });
        if (vectors.length !== batch.length) {
          throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error(`expected ${batch.length} vectors, got ${vectors.length}`) });
        }
        return vectors;
      } catch (error) {
        const failure = toEmbedderError(error);
        if (!failure.retryable || attempt >= this.policy.maxRetries) {
          // A service that stopped answering: the next questions go lexical at once until a probe succeeds.
          if (failure.retryable && this.health.probe) this.markDown(failure, 'after retries');
          throw failure;
        }
        const delay = failure.retryAfterMs ?? (this.policy.backoffMs ?? 500) * 2 ** attempt;
        attempt++;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function toEmbedderError(error: unknown): PasserelleError {
  if (error instanceof PasserelleError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: error });
  }
  return toPasserelleError(error);
}

function describe(error: unknown): string {
  const failure = error instanceof PasserelleError ? error : toEmbedderError(error);
  const cause = failure.cause instanceof Error ? failure.cause.message : String(failure.cause ?? failure.message);
  return cause.slice(0, 200);
}
