import type { ChannelAdapter, MessageHandler } from '../../bots/channel-adapter.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import type { Attachment, ConversationAddress } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import type { StateStore } from '../../state/state-store.ts';
import type { TeamsReference } from './activity-mapper.ts';
import { downloadAttachment, type DownloadPolicy } from './attachment-download.ts';
import { ConnectorError } from './connector-http.ts';
import type { ConnectorTransport, DeliveryTarget } from './connector-transport.ts';
import { readHistory, type HistoryEntry, type HistorySource } from './conversation-history.ts';
import type { TeamsEndpoint } from './http-endpoint.ts';
import { renderReply } from './reply-renderer.ts';
import { isTransient } from './retry-policy.ts';
import type { StreamManager } from './stream-manager.ts';
import { TypingIndicator } from './typing-indicator.ts';

/**
 * The Teams channel as the core sees it. Incoming activities arrive through the HTTP endpoint (acknowledged
 * at once, handled in the background); every reply, inline or proactive, leaves through `send`/`update`,
 * i.e. a proactive turn on the conversation reference, rate-limited and retried (ConnectorTransport).
 *
 * Failure contract of `send`/`update`/`typing`: a 403 from the Bot Connector outside streaming (bot blocked
 * by the user, uninstalled, disabled by an admin) marks the stored reference inactive and throws
 * RECIPIENT_UNREACHABLE (not retryable: the caller must not try again); throttling, 5xx and network
 * failures still failing after the retry policy throw CHANNEL_UNAVAILABLE (retryable, with the service's
 * Retry-After when it gave one); anything else (4xx: a payload Teams refused) throws INTERNAL. The
 * ConnectorError (status, Teams error code) is the cause, for the log.
 */

/** How long a `canStream` answer counts as the intent to stream the next progress reply. */
const STREAM_INTENT_MS = 10_000;

export interface TeamsAdapterParts {
  state: StateStore;
  logger: Logger;
  transport: ConnectorTransport;
  streams: StreamManager;
  endpoint: TeamsEndpoint;
  /** URL policy and credentials for attachment downloads (default: anonymous-mode policy, loopback only). */
  downloads?: Omit<DownloadPolicy, 'authorization'>;
  /** Microsoft Graph, for `history`; absent: history is refused (SUMMARY_REQUEST_INVALID). */
  history?: HistorySource;
  /** The bot's app id ('' in anonymous mode), for Graph ids of personal chats. */
  appId?: string;
}

export class TeamsAdapter implements ChannelAdapter {
  readonly name = 'teams' as const;
  private readonly typingIndicator = new TypingIndicator();
  /** Conversation key → until when a progress reply starts a stream (see canStream). */
  private readonly streamIntents = new Map<string, number>();

  constructor(private readonly parts: TeamsAdapterParts) {}

  /** Port of the HTTP endpoint: the bound port once started (useful with port 0), else the configured one. */
  get port(): number {
    return this.parts.endpoint.port;
  }

  async start(handler: MessageHandler): Promise<void> {
    await this.parts.endpoint.listen(handler, this);
  }

  async stop(): Promise<void> {
    this.typingIndicator.stopAll();
    await this.parts.endpoint.close();
  }

  /** Resolves when every activity received so far has been fully handled (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.parts.endpoint.idle();
  }

  /**
   * A progress reply starts a Teams stream only when the core has just asked `canStream` for this personal
   * chat (the dispatcher's streamed answer); any other progress (job acknowledgements, which can last far
   * longer than Teams' two-minute stream limit) is a normal message, later edited by `update`.
   */
  async send(address: ConversationAddress, reply: Reply): Promise<string> {
    const target = targetOf(address);
    this.typingIndicator.stop(target.key);
    const personal = isPersonalReference(target.reference);
    return this.deliver(target, async () => {
      if (reply.kind === 'progress' && personal && this.consumeStreamIntent(target.key)) return this.parts.streams.start(target, reply.text);
      // An error while a stream is open (the answer failed) ends that stream, so the progress bar disappears.
      const open = reply.kind === 'error' ? this.parts.streams.openIn(target.key) : undefined;
      if (open) return this.parts.streams.finish(target, open, reply, { personal });
      return this.parts.transport.post(target, renderReply(reply, { personal }));
    });
  }

  /** Continues or ends a stream; otherwise edits the message (PUT), e.g. a job acknowledgement. */
  async update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    const target = targetOf(address);
    this.typingIndicator.stop(target.key);
    const personal = isPersonalReference(target.reference);
    await this.deliver(target, async () => {
      if (this.parts.streams.has(messageId)) {
        if (reply.kind === 'progress') await this.parts.streams.update(target, messageId, reply.text);
        else await this.parts.streams.finish(target, messageId, reply, { personal });
      } else {
        await this.parts.transport.put(target, messageId, renderReply(reply, { personal }));
      }
      return messageId;
    });
  }

  async typing(address: ConversationAddress): Promise<void> {
    const target = targetOf(address);
    await this.deliver(target, async () => {
      await this.typingIndicator.start(target.key, () => this.sendTyping(target));
      return '';
    });
  }

  /**
   * Teams streams in personal chats only. A `true` answer is remembered for a few seconds as the intent to
   * stream: the next progress reply to this conversation starts the stream.
   */
  canStream(address: ConversationAddress): boolean {
    const personal = isPersonalReference(address.reference as TeamsReference);
    if (personal) this.streamIntents.set(address.key, Date.now() + STREAM_INTENT_MS);
    return personal;
  }

  /**
   * Bytes of an attachment (file.download.info downloadUrl without token; contentUrl with the connector token
   * on the conversation's own service), refusing more than `maxBytes`. See attachment-download.ts.
   */
  async download(attachment: Attachment, maxBytes: number): Promise<Buffer> {
    const policy = this.parts.downloads ?? { anonymous: true, production: false, timeoutMs: 60_000 };
    return downloadAttachment(attachment, maxBytes, { ...policy, authorization: (serviceUrl) => this.parts.transport.authorization(serviceUrl) });
  }

  /** Recent messages through Microsoft Graph, oldest first (see conversation-history.ts). */
  async history(address: ConversationAddress, limit: number): Promise<HistoryEntry[]> {
    return readHistory(this.parts.history, this.parts.appId ?? '', address, limit);
  }

  private consumeStreamIntent(key: string): boolean {
    const until = this.streamIntents.get(key);
    this.streamIntents.delete(key);
    if (this.streamIntents.size > 1_000) for (const [other, expiry] of this.streamIntents) if (expiry < Date.now()) this.streamIntents.delete(other);
    return until !== undefined && until >= Date.now();
  }

  private async sendTyping(target: DeliveryTarget): Promise<void> {
    await this.parts.transport.post(target, { type: 'typing' });
  }

  /** Runs a delivery and turns connector failures into the documented PasserelleErrors. */
  private async deliver(target: DeliveryTarget, operation: () => Promise<string>): Promise<string> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof PasserelleError) throw error;
      if (!(error instanceof ConnectorError)) throw new PasserelleError('INTERNAL', { channel: 'teams' }, { cause: error });
      if (error.status === 403 && !error.streamNotAllowed) {
        this.typingIndicator.stop(target.key);
        await this.parts.state.deactivateReference(target.key, `403 ${error.code ?? 'Forbidden'}`).catch((stateError: unknown) => this.parts.logger.error('could not deactivate Teams reference', { key: target.key, error: stateError }));
        this.parts.logger.warn('teams conversation unreachable, reference deactivated', { key: target.key, code: error.code });
        throw new PasserelleError('RECIPIENT_UNREACHABLE', { channel: 'teams' }, { cause: error });
      }
      if (isTransient(error)) {
        throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'teams' }, { cause: error, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) });
      }
      throw new PasserelleError('INTERNAL', { channel: 'teams' }, { cause: error });
    }
  }
}

function targetOf(address: ConversationAddress): DeliveryTarget {
  const reference = (address.reference ?? {}) as TeamsReference;
  return { key: address.key, reference, tenant: reference.conversation?.tenantId || undefined };
}

function isPersonalReference(reference: TeamsReference): boolean {
  const type = reference.conversation?.conversationType;
  return type ? type === 'personal' : reference.conversation?.isGroup !== true;
}
