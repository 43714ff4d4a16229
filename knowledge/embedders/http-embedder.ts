import { PasserelleError } from '../../bots/errors.ts';
import { httpFailure } from '../http-failure.ts';
import type { Embedder } from '../ports/embedder.ts';

/**
 * Embeddings over the OpenAI `/embeddings` wire format, which Mistral (api.mistral.ai/v1), Albert, TEI,
 * vLLM and Ollama all speak. `baseUrl` ends in /v1.
 */
export interface HttpEmbedderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Inputs per request the server accepts. Default 64. */
  maxInputsPerCall?: number;
}

export const MISTRAL_BASE_URL = 'https://api.mistral.ai/v1';

export class HttpEmbedder implements Embedder {
  readonly maxInputsPerCall: number;
  private size = 0;

  constructor(private readonly options: HttpEmbedderOptions) {
    this.maxInputsPerCall = options.maxInputsPerCall ?? 64;
  }

  get id(): string {
    return `${this.options.model}@${this.size}`;
  }

  get dimensions(): number {
    return this.size;
  }

  /** Learns the output size with one short request; call once before use. */
  async probe(signal?: AbortSignal): Promise<void> {
    const [vector] = await this.embed(['sonde de dimension'], signal ? { signal } : {});
    if (!vector) throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: new Error('probe returned no vector') });
    this.size = vector.length;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/embeddings`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input: texts }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new PasserelleError('EMBEDDER_UNAVAILABLE', {}, { cause: error });
    }
    if (!response.ok) throw await httpFailure(response, 'embeddings', 'EMBEDDER_UNAVAILABLE');
    let body: { data?: Array<{ index?: number; embedding?: unknown }> };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
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
        return Float32Array.from(item.embedding as number[]);
      });
  }
}
