import { PasserelleError, toPasserelleError } from '../bots/errors.ts';
import type { Embedder } from './ports/embedder.ts';

/**
 * The policy around an Embedder: batches sized to the smaller of the configured batch and the embedder's
 * limit, a time limit per call, and retries with exponential backoff for retryable failures only.
 */
export interface EmbeddingPolicy {
  batchSize: number;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff delay, ms; doubles each retry. Default 500. */
  backoffMs?: number;
}

export class EmbeddingService {
  constructor(
    readonly embedder: Embedder,
    private readonly policy: EmbeddingPolicy,
  ) {}

  get dimensions(): number {
    return this.embedder.dimensions;
  }

  async embedAll(texts: string[]): Promise<Float32Array[]> {
    const size = Math.max(1, Math.min(this.policy.batchSize, this.embedder.maxInputsPerCall));
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += size) {
      vectors.push(...(await this.withRetries(texts.slice(start, start + size))));
    }
    return vectors;
  }

  async embedOne(text: string): Promise<Float32Array> {
    const [vector] = await this.withRetries([text]);
    if (!vector) throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error('empty embedding response') });
    return vector;
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
        if (!failure.retryable || attempt >= this.policy.maxRetries) throw failure;
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
