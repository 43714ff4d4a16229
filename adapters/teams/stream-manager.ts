import { randomUUID } from 'node:crypto';
import type { Logger } from '../../bots/logger.ts';
import type { Reply } from '../../bots/reply.ts';
import { ConnectorError } from './connector-http.ts';
import type { DeliveryTarget } from './connector-transport.ts';
import type { Clock } from '../../bots/outbound/rate-limiter.ts';
import { finalStreamMessage, informativeUpdate, renderReply, streamingUpdate, type OutgoingActivity } from './reply-renderer.ts';

/**
 * The Teams streaming protocol (personal chats only), driven by the core's progress replies:
 * `send(progress)` → informative update (typing, streaminfo informative, sequence 1; the returned activity id
 * is the stream id and, later, the id of the final message); `update(id, progress)` → streaming update
 * (typing, streamId, streamType "streaming", sequence 2, 3…, whole text so far); `update(id, answer)` → final
 * message (type message, streamType "final", no sequence, citations, AI label, feedback).
 *
 * Contracts: requests of one stream are sequential and at least `minIntervalMs` (1 s) apart; a streamed
 * text must extend the previous one (others are skipped, Teams would answer 400). A 403
 * ContentStreamNotAllowed (the user pressed Stop, the stream completed or exceeded Teams' 2 minutes) ends
 * the stream cleanly: nothing more is sent for it, not even the final message, and no error reaches the
 * core (Teams keeps the text streamed so far under the stream id, so feedback on it still matches the
 * stored answer). If Teams refuses to start a stream, the answer is sent as a normal message at the end.
 */

export interface StreamSender {
  post(target: DeliveryTarget, activity: OutgoingActivity): Promise<string>;
}

interface StreamState {
  id: string;
  key: string;
  /** Service-assigned stream id; undefined when the stream could not be started (degraded). */
  streamId: string | undefined;
  sequence: number;
  lastSentAt: number;
  streamedText: string;
  stopped: boolean;
  startedAt: number;
  chain: Promise<void>;
}

/** Teams ends streams after two minutes; a state older than this is abandoned. */
const STREAM_LIFETIME_MS = 2 * 60_000;

export class StreamManager {
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly sender: StreamSender,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly minIntervalMs = 1_000,
  ) {}

  has(id: string): boolean {
    return this.streams.has(id);
  }

  /** Id of the stream still open in this conversation, if any (Teams allows one per chat). */
  openIn(key: string): string | undefined {
    for (const state of this.streams.values()) if (state.key === key && !state.stopped) return state.id;
    return undefined;
  }

  /** Sends the informative update; returns the id the core will use for updates (the stream id). */
  async start(target: DeliveryTarget, text: string): Promise<string> {
    this.forgetExpired();
    const startedAt = this.clock.now();
    let streamId: string | undefined;
    try {
      streamId = (await this.sender.post(target, informativeUpdate(text))) || undefined;
    } catch (error) {
      if (!(error instanceof ConnectorError && error.streamNotAllowed)) throw error;
      this.logger.info('teams streaming refused, answering without stream', { key: target.key, code: error.code });
    }
    // Spacing counts from the end of the previous request: Teams measures when requests reach it.
    const now = this.clock.now();
    const id = streamId ?? `nostream-${randomUUID()}`;
    this.streams.set(id, { id, key: target.key, streamId, sequence: 1, lastSentAt: now, streamedText: '', stopped: false, startedAt, chain: Promise.resolve() });
    return id;
  }

  /** Streams the text generated so far. */
  update(target: DeliveryTarget, id: string, text: string): Promise<void> {
    return this.enqueue(id, async (state) => {
      if (!state.streamId || text.trim() === '') return;
      if (state.streamedText && !text.startsWith(state.streamedText)) {
        this.logger.debug('teams stream update skipped: text does not extend the streamed text', { key: state.key });
        return;
      }
      await this.spaceOut(state);
      state.sequence += 1;
      await this.sendOrStop(state, target, streamingUpdate(state.streamId, text, state.sequence));
      if (!state.stopped) state.streamedText = text;
    });
  }

  /** Ends the stream with the final reply; returns the id of the final message. */
  async finish(target: DeliveryTarget, id: string, reply: Reply, options: { personal: boolean }): Promise<string> {
    let messageId = id;
    await this.enqueue(id, async (state) => {
      if (!state.streamId) {
        messageId = await this.sender.post(target, renderReply(reply, options));
        return;
      }
      await this.spaceOut(state);
      await this.sendOrStop(state, target, finalStreamMessage(state.streamId, reply, options));
    });
    this.streams.delete(id);
    return messageId;
  }

  /** Runs `step` after the stream's previous steps; nothing runs once the stream is stopped. */
  private enqueue(id: string, step: (state: StreamState) => Promise<void>): Promise<void> {
    const state = this.streams.get(id);
    if (!state) return Promise.resolve();
    const run = state.chain.then(() => (state.stopped ? undefined : step(state)));
    state.chain = run.catch(() => undefined);
    return run;
  }

  private async sendOrStop(state: StreamState, target: DeliveryTarget, activity: OutgoingActivity): Promise<void> {
    try {
      await this.sender.post(target, activity);
      state.lastSentAt = this.clock.now();
    } catch (error) {
      if (!(error instanceof ConnectorError && error.streamNotAllowed)) throw error;
      state.stopped = true;
      this.logger.info('teams stream stopped by the service', { key: state.key, reason: error.message });
    }
  }

  private async spaceOut(state: StreamState): Promise<void> {
    const wait = state.lastSentAt + this.minIntervalMs - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  private forgetExpired(): void {
    const now = this.clock.now();
    for (const [id, state] of this.streams) if (now - state.startedAt > STREAM_LIFETIME_MS) this.streams.delete(id);
  }
}
