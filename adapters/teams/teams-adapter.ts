import type { ChannelAdapter, ReplyStream, SendOptions } from '../../bots/channel-adapter.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { Attachment, ConversationAddress } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import { isPersonalConversation, type TeamsReference } from './activity-mapper.ts';
import { downloadAttachment, type DownloadPolicy } from './attachment-download.ts';
import { ConnectorError } from './connector-http.ts';
import type { ConnectorTransport, DeliveryTarget } from './connector-transport.ts';
import { readHistory, type HistoryEntry, type HistorySource } from './conversation-history.ts';
import type { TeamsEndpoint } from './http-endpoint.ts';
import { renderReply } from './reply-renderer.ts';
import { isTransient } from './retry-policy.ts';
import type { StreamManager } from './stream-manager.ts';
import type { GraphDirectory } from './graph-directory.ts';
import type { TeamsAppInstaller } from './app-installer.ts';
import { TypingIndicator } from './typing-indicator.ts';

/**
 * The Teams channel as the core sees it. Incoming activities arrive through the HTTP endpoint (acknowledged
 * at once, handed to the core in the background); every reply, inline or proactive, leaves through
 * `send`/`update`/`stream`, i.e. a proactive turn on the conversation reference, rate-limited and retried
 * (ConnectorTransport). Streams exist in personal chats only.
 *
 * Failure contract of `send`/`update`/`typing`/`stream`: a 403 from the Bot Connector outside streaming
 * (bot blocked by the user, uninstalled, disabled by an admin) throws RECIPIENT_UNREACHABLE (not
 * retryable; `details.reason` is `403 <Teams code>`, the core marks the conversation inactive); throttling,
 * 5xx and network failures still failing after the retry policy throw CHANNEL_UNAVAILABLE (retryable, with
 * the service's Retry-After when it gave one); anything else (4xx: a payload Teams refused) throws
 * INTERNAL. The ConnectorError (status, Teams error code) is the cause, for the log.
 */

export interface TeamsAdapterParts {
  transport: ConnectorTransport;
  streams: StreamManager;
  endpoint: TeamsEndpoint;
  /** URL policy and credentials for attachment downloads (default: anonymous-mode policy, loopback only). */
  downloads?: Omit<DownloadPolicy, 'authorization'>;
  /** Microsoft Graph, for `history`; absent: history is refused (SUMMARY_REQUEST_INVALID). */
  history?: HistorySource;
  /** The bot's app id ('' in anonymous mode), for Graph ids of personal chats. */
  appId?: string;
  /** Microsoft Graph with the bot's app registration (secret or certificate): team and group members. */
  directory?: GraphDirectory;
  /** Proactive installation of the app through Microsoft Graph (announcements to members who never opened it). */
  installer?: TeamsAppInstaller;
}

export class TeamsAdapter implements ChannelAdapter {
  readonly name = 'teams' as const;
  /** The Bot Connector has no idempotency key: a message sent twice is posted twice. */
  readonly idempotentSends = false;
  private readonly typingIndicator = new TypingIndicator();

  constructor(private readonly parts: TeamsAdapterParts) {}

  /** Members of Teams teams and Entra groups (announcement audiences), when Microsoft Graph is configured. */
  get directory(): GraphDirectory | undefined {
    return this.parts.directory;
  }

  /** Installs the app for users and teams through Microsoft Graph, when it is configured. */
  get installer(): TeamsAppInstaller | undefined {
    return this.parts.installer;
  }

  /** Port of the HTTP endpoint: the bound port once started (useful with port 0), else the configured one. */
  get port(): number {
    return this.parts.endpoint.port;
  }

  /** Interface of the HTTP endpoint (the bound address once started). */
  get host(): string | undefined {
    return this.parts.endpoint.host;
  }

  async start(sink: InboundSink): Promise<void> {
    await this.parts.endpoint.listen(sink);
  }

  async stop(): Promise<void> {
    this.typingIndicator.stopAll();
    await this.parts.endpoint.close();
  }

  /** Resolves when every activity received so far has been fully handled (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.parts.endpoint.idle();
  }

  /** A normal message (a progress reply too: job acknowledgements can last far longer than a stream may). */
  async send(address: ConversationAddress, reply: Reply, options?: SendOptions): Promise<string> {
    const target = targetOf(address);
    this.typingIndicator.stop(target.key);
    const personal = isPersonalConversation(target.reference.conversation);
    return this.deliver(target, () => this.parts.transport.post(target, renderReply(reply, { personal }), { singleAttempt: options?.callerRetries === true }));
  }

  /** Edits a message (PUT), e.g. a job acknowledgement. */
  async update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    const target = targetOf(address);
    this.typingIndicator.stop(target.key);
    const personal = isPersonalConversation(target.reference.conversation);
    await this.deliver(target, async () => {
      await this.parts.transport.put(target, messageId, renderReply(reply, { personal }));
      return messageId;
    });
  }

  /**
   * A Teams stream (personal chats only; undefined elsewhere): `first` is the informative update, `update`
   * streams the text so far, `finish` sends the final message (see stream-manager.ts).
   */
  async stream(address: ConversationAddress, first: Reply): Promise<ReplyStream | undefined> {
    const target = targetOf(address);
    if (!isPersonalConversation(target.reference.conversation)) return undefined;
    this.typingIndicator.stop(target.key);
    const { streams } = this.parts;
    const id = await this.deliver(target, () => streams.start(target, first.text));
    return {
      id,
      update: async (reply) => void (await this.deliver(target, async () => (await streams.update(target, id, reply.text), id))),
      finish: (reply) => this.deliver(target, () => streams.finish(target, id, reply, { personal: true })),
    };
  }

  async typing(address: ConversationAddress): Promise<void> {
    const target = targetOf(address);
    await this.deliver(target, async () => {
      await this.typingIndicator.start(target.key, () => this.sendTyping(target));
      return '';
    });
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
        throw new PasserelleError('RECIPIENT_UNREACHABLE', { channel: 'teams', reason: `403 ${error.code ?? 'Forbidden'}` }, { cause: error });
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
