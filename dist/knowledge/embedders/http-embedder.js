import { PasserelleError } from "../../bots/errors.js";
import { httpFailure } from "../http-failure.js";
export const MISTRAL_BASE_URL = 'https://api.mistral.ai/v1';
export class HttpEmbedder {
    options;
    maxInputsPerCall;
    size = 0;
    constructor(options) {
        this.options = options;
        this.maxInputsPerCall = options.maxInputsPerCall ?? 64;
    }
    get id() {
        return `${this.options.model}@${this.size}`;
    }
    get dimensions() {
        return this.size;
    }
    /** Learns the output size with one short request; call once before use. */
    async probe(signal) {
        const [vector] = await this.embed(['sonde de dimension'], signal ? { signal } : {});
        if (!vector)
            throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error('probe returned no vector') });
        this.size = vector.length;
    }
    async embed(texts, options = {}) {
        if (texts.length === 0)
            return [];
        let response;
        try {
            response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/embeddings`, {
                method: 'POST',
                headers: {
                    'content-type': 'application/json',
                    ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
                },
                body: JSON.stringify({ model: this.options.model, input: texts }),
                ...(options.signal ? { signal: options.signal } : {}),
            });
        }
        catch (error) {
            throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: error });
        }
        if (!response.ok)
            throw await httpFailure(response, 'embeddings', 'EMBEDDER_UNAVAILABLE');
        let body;
        try {
            body = (await response.json());
        }
        catch (error) {
            throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: error });
        }
        const data = body.data;
        if (!Array.isArray(data) || data.length !== texts.length) {
            throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error('embeddings response without one vector per input') });
        }
        return [...data]
            .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
            .map((item) => {
            if (!Array.isArray(item.embedding) || item.embedding.some((value) => typeof value !== 'number')) {
                throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error('embedding is not a number array') });
            }
            return Float32Array.from(item.embedding);
        });
    }
}
