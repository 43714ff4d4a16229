import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../../bots/logger.ts';
import type { TeamsReference } from './activity-mapper.ts';
import { activitiesPath, ConnectorError, ConnectorHttp, type ConnectorResponse, type SigningClient } from './connector-http.ts';
import type { Clock, RateLimiter } from '../../bots/outbound/rate-limiter.ts';
import type { OutgoingActivity } from './reply-renderer.ts';
import { withRetry, type RetryOptions } from './retry-policy.ts';

/**
 * Every outgoing Teams request, inline replies and proactive sends alike: a proactive turn
 * (`CloudAdapter.continueConversationAsync` on the stored reference) provides the ConnectorClient and its
 * credentials, then the activity JSON is posted raw (see connector-http.ts for why), each attempt behind
 * the channel's one rate limiter and the one retry policy.
 */

/** Where an activity goes: the address key (for rate limits), the stored reference, the tenant. */
export interface DeliveryTarget {
  key: string;
  reference: TeamsReference;
  tenant: string | undefined;
}

export interface TransportOptions {
  adapter: CloudAdapter;
  /** The bot's app id ('' in anonymous mode). */
  appId: string;
  /** The Teams channel's rate limiter (shared with the announcement fan-out). */
  limiter: RateLimiter;
  retry: RetryOptions;
  clock: Clock;
  /** Per-request time limit. */
  timeoutMs: number;
  logger: Logger;
}

export class ConnectorTransport {
  constructor(private readonly options: TransportOptions) {}

  /**
   * Posts an activity to the conversation; returns the id the service assigned ('' when none). With
   * `singleAttempt`, a failure is not retried here (the caller paces and retries: announcements).
   */
  async post(target: DeliveryTarget, activity: OutgoingActivity, options: { singleAttempt?: boolean } = {}): Promise<string> {
    const conversationId = conversationIdOf(target);
    const response = await this.call(target, 'POST', activitiesPath(conversationId), this.envelope(target, activity), options.singleAttempt === true);
    const id = (response.body as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : '';
  }

  /** Replaces an activity sent earlier (PUT …/activities/{id}). */
  async put(target: DeliveryTarget, activityId: string, activity: OutgoingActivity): Promise<void> {
    const conversationId = conversationIdOf(target);
    await this.call(target, 'PUT', activitiesPath(conversationId, activityId), { ...this.envelope(target, activity), id: activityId });
  }

  /**
   * The Authorization header the bot's connector credentials give for a service URL (an attachment's
   * contentUrl on that service); undefined in anonymous local mode.
   */
  async authorization(serviceUrl: string): Promise<string | undefined> {
    const { adapter, appId, timeoutMs } = this.options;
    let header: string | undefined;
    const reference = { serviceUrl, channelId: 'msteams', conversation: { id: 'attachment' } } as Partial<ConversationReference> as ConversationReference;
    await adapter.continueConversationAsync(appId, reference, async (context: TurnContext) => {
      const client = context.turnState.get(context.adapter.ConnectorClientKey) as SigningClient | undefined;
      if (client) header = await new ConnectorHttp(client, serviceUrl, timeoutMs).authorization();
    });
    return header;
  }

  /** The addressing fields botbuilder would add from the reference (TurnContext.applyConversationReference). */
  private envelope(target: DeliveryTarget, activity: OutgoingActivity): Record<string, unknown> {
    const reference = target.reference;
    return {
      ...activity,
      channelId: reference.channelId ?? 'msteams',
      serviceUrl: reference.serviceUrl,
      ...(reference.bot ? { from: reference.bot } : {}),
      ...(reference.user ? { recipient: reference.user } : {}),
      conversation: reference.conversation,
      ...(reference.locale ? { locale: reference.locale } : {}),
    };
  }

  private async call(target: DeliveryTarget, method: 'POST' | 'PUT', path: string, body: Record<string, unknown>, singleAttempt = false): Promise<ConnectorResponse> {
    const serviceUrl = target.reference.serviceUrl;
    if (!serviceUrl) throw new ConnectorError(400, 'IncompleteReference', 'stored Teams reference without serviceUrl');
    const { adapter, appId, limiter, retry, clock, timeoutMs, logger } = this.options;
    let response: ConnectorResponse | undefined;
    await adapter.continueConversationAsync(appId, target.reference as Partial<ConversationReference> as ConversationReference, async (context: TurnContext) => {
      const client = context.turnState.get(context.adapter.ConnectorClientKey) as SigningClient | undefined;
      if (!client) throw new ConnectorError(500, 'NoConnectorClient', 'botbuilder gave no ConnectorClient for the proactive turn');
      const http = new ConnectorHttp(client, serviceUrl, timeoutMs);
      response = await withRetry(
        async () => {
          // A single-attempt send is an announcement's: it gives way to answers on the tenant's budget.
          await limiter.acquire({ conversation: target.key, ...(target.tenant ? { tenant: target.tenant } : {}), ...(singleAttempt ? { lane: 'bulk' as const } : {}) });
          return http.request(method, path, body);
        },
        singleAttempt ? { ...retry, maxAttempts: 1 } : retry,
        clock,
        (error, attempt, delayMs) => {
          if (error instanceof ConnectorError && error.status === 429) limiter.throttled();
          logger.warn('teams send retried', { key: target.key, attempt, delayMs, status: error instanceof ConnectorError ? error.status : undefined, code: error instanceof ConnectorError ? error.code : undefined });
        },
      );
    });
    if (!response) throw new ConnectorError(500, 'NoResponse', 'proactive turn ended without a response');
    return response;
  }
}

function conversationIdOf(target: DeliveryTarget): string {
  const id = target.reference.conversation?.id;
  if (!id) throw new ConnectorError(400, 'IncompleteReference', 'stored Teams reference without conversation id');
  return id;
}
