/**
 * Turns texts into dense vectors. Implementations declare their limits; the caller (knowledge/embedding.ts)
 * batches, retries and times out.
 */
export interface Embedder {
  /** Identifies model and dimensions; stored with an index so a change of model is detected. */
  readonly id: string;
  readonly dimensions: number;
  /** Most inputs one call may carry. */
  readonly maxInputsPerCall: number;
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
