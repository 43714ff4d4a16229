import { PasserelleError, toPasserelleError } from "../bots/errors.js";
export class EmbeddingService {
    embedder;
    policy;
    constructor(embedder, policy) {
        this.embedder = embedder;
        this.policy = policy;
    }
    get dimensions() {
        return this.embedder.dimensions;
    }
    async embedAll(texts) {
        const size = Math.max(1, Math.min(this.policy.batchSize, this.embedder.maxInputsPerCall));
        const vectors = [];
        for (let start = 0; start < texts.length; start += size) {
            vectors.push(...(await this.withRetries(texts.slice(start, start + size))));
        }
        return vectors;
    }
    async embedOne(text) {
        const [vector] = await this.withRetries([text]);
        if (!vector)
            throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error('empty embedding response') });
        return vector;
    }
    async withRetries(batch) {
        let attempt = 0;
        for (;;) {
            try {
                const vectors = await this.embedder.embed(batch, { signal: AbortSignal.timeout(this.policy.timeoutMs) });
                if (vectors.length !== batch.length) {
                    throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error(`expected ${batch.length} vectors, got ${vectors.length}`) });
                }
                return vectors;
            }
            catch (error) {
                const failure = toEmbedderError(error);
                if (!failure.retryable || attempt >= this.policy.maxRetries)
                    throw failure;
                const delay = failure.retryAfterMs ?? (this.policy.backoffMs ?? 500) * 2 ** attempt;
                attempt++;
                await new Promise((resolve) => setTimeout(resolve, delay));
            }
        }
    }
}
function toEmbedderError(error) {
    if (error instanceof PasserelleError)
        return error;
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: error });
    }
    return toPasserelleError(error);
}
