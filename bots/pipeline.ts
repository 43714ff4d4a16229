import type { ChannelAdapter, ReplyStream } from './channel-adapter.ts';
import { toPasserelleError } from './errors.ts';
import type { Logger } from './logger.ts';
import { metrics, secondsSince } from './metrics.ts';
import { inSpan } from './tracing.ts';
import type { IncomingMessage } from './message.ts';
import { errorReply, type Reply } from './reply.ts';
import type { RoomSettings } from '../state/state-store.ts';

/**
 * An explicit, ordered pipeline: dedupe → access → addressed-to-bot → rate limit → thread context (a bot called
 * into an existing thread reads its earlier messages) → input guard → AI notice →
 * learning roster (agents counted for the AI-literacy coverage) →
 * command or question. A stage returns false to stop the message. A stage that throws is contained: the
 * cause is logged, the user gets the catalogue's French message (only if the message was addressed to the
 * bot), and the pipeline stops.
 */

/** What the bot knows about the sender once access control has run. */
export interface SenderRights {
  allowedKbs: string[];
  isAdmin: boolean;
  userHash: string;
}

/** One message on its way through the pipeline, with the ways to answer it (all through the outbound path). */
export interface Turn {
  message: IncomingMessage;
  /** The message's channel, for what it reads on demand (attachments, history). */
  channel: ChannelAdapter;
  rights?: SenderRights;
  /** The room's settings (`paramètres`), once the addressed stage has read them; absent: the defaults. */
  room?: RoomSettings;
  /**
   * The question was held by the rate limit and is now released: it was already deduplicated and counted,
   * and goes through the pipeline again from the access stage.
   */
  released?: boolean;
  /** Sends a reply to the message's conversation; returns the sent message id. */
  reply(reply: Reply): Promise<string>;
  /** Replaces a message sent earlier in the conversation (a job acknowledgement). */
  edit(messageId: string, reply: Reply): Promise<void>;
  /** Starts a streamed reply; undefined when the channel cannot stream in this conversation. */
  stream(first: Reply): Promise<ReplyStream | undefined>;
  /** Shows "typing…" where the channel can; never fails. */
  typing(): Promise<void>;
  /**
   * Owes the user a notice (the AI notice): it goes inside the turn's first reply that is not a progress
   * message (after its text; the final message of a stream, or the answer replacing a placeholder), or alone
   * at the end of the turn if none was sent.
   */
  carryNotice(text: string): void;
}

export interface Stage {
  readonly name: string;
  handle(turn: Turn): Promise<boolean>;
  /**
   * Runs once the message is over (answered, refused, failed — everything the later stages did is done) when
   * this stage let it through. Not run when the process dies before: what is recorded here is "handled".
   */
  after?(turn: Turn): Promise<void>;
}

export class Pipeline {
  constructor(
    private readonly stages: readonly Stage[],
    private readonly logger: Logger,
  ) {}

  get names(): string[] {
    return this.stages.map((stage) => stage.name);
  }

  async run(turn: Turn): Promise<void> {
    const passed: Stage[] = [];
    try {
      await this.runStages(turn, passed);
    } finally {
      for (const stage of passed.reverse()) {
        await stage.after?.(turn).catch((error: unknown) => this.logger.error('pipeline stage completion failed', { stage: stage.name, channel: turn.message.channel, error }));
      }
    }
  }

  private async runStages(turn: Turn, passed: Stage[]): Promise<void> {
    for (const stage of this.stages) {
      let proceed: boolean;
      const started = performance.now();
      try {
        proceed = await inSpan(`passerelle.stage.${stage.name}`, {}, () => stage.handle(turn));
      } catch (error) {
        const failure = toPasserelleError(error);
        this.logger.error('pipeline stage failed', { stage: stage.name, code: failure.code, channel: turn.message.channel, error: failure.cause ?? failure });
        if (turn.message.addressedToBot) {
          await turn.reply(errorReply(failure.userMessage)).catch((sendError: unknown) => this.logger.error('could not report failure', { error: sendError }));
        }
        return;
      } finally {
        metrics.stageSeconds.observe({ stage: stage.name }, secondsSince(started));
      }
      if (!proceed) return;
      passed.push(stage);
    }
  }
}
