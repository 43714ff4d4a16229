import type { Classification } from '../types.ts';

/** A message of a chat exchange with a model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Token counts as reported by the provider (or estimated when it reports none). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatCompletion {
  text: string;
  usage: TokenUsage;
  /** Model name as the provider reported it. */
  model: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Called with each streamed text delta, in order. When set, the implementation streams. */
  onDelta?: (delta: string) => void;
  /** Default 800. */
  maxTokens?: number;
  /** Default 0.1: answers must stick to the passages. */
  temperature?: number;
}

/**
 * A chat model endpoint. Failures are PasserelleErrors of the catalogue: MODEL_TIMEOUT, MODEL_UNAVAILABLE
 * (network, 429, 5xx; retryable), MODEL_REJECTED_REQUEST (401/403/400), MODEL_BAD_RESPONSE (malformed).
 * The caller (the answer service) applies the time limit through `signal` and decides on retries.
 */
export interface ChatModel {
  /** "mistral:mistral-small-latest", "openai-compatible:albert-large". */
  readonly id: string;
  /** Highest classification of text this endpoint is cleared to receive. */
  readonly ceiling: Classification;
  complete(messages: ChatMessage[], options?: ChatOptions): Promise<ChatCompletion>;
}
