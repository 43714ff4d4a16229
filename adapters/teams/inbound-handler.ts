import type { Activity } from 'botbuilder';
import type { Bot } from '../../bots/bot.ts';
import type { ChannelAdapter, MessageHandler } from '../../bots/channel-adapter.ts';
import type { Logger } from '../../bots/logger.ts';
import type { IncomingMessage } from '../../bots/message.ts';
import { notice } from '../../bots/reply.ts';
import type { StateStore, StoredReference } from '../../state/state-store.ts';
import { AI_NOTICE } from '../../bots/user-messages.ts';
import { classifyActivity } from './activity-mapper.ts';
import type { GroupCache } from './group-cache.ts';
import { MENTION_HINT, WELCOME } from './teams-messages.ts';

/**
 * What Passerelle does with an authenticated activity. The HTTP answer is decided at once (Teams allows
 * about 15 s, answers can take longer): messages, installations and removals are acknowledged with 200 and
 * handled in the background, their replies leaving later through the adapter's `send`. Only the feedback
 * invoke is handled before answering, because its HTTP answer (200, empty body) says it was stored.
 *
 * Background work: the conversation reference is saved (refreshed) on every message and installation;
 * installation sends the welcome and the AI notice once (state.markNotified, the key the AI-notice stage
 * uses for personal chats); removal marks the reference inactive, with its channel threads.
 */

export interface InboundResult {
  status: number;
  body?: unknown;
}

export interface InboundDeps {
  state: StateStore;
  bot: Pick<Bot, 'recordRating'>;
  logger: Logger;
  /** Group memberships for access control, when Microsoft Graph is configured. */
  groups?: GroupCache;
}

export class InboundHandler {
  private handler: MessageHandler | undefined;
  private channel: ChannelAdapter | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: InboundDeps) {}

  /** Connects the core's handler and the channel used for welcome messages. */
  attach(handler: MessageHandler, channel: ChannelAdapter): void {
    this.handler = handler;
    this.channel = channel;
  }

  get ready(): boolean {
    return this.handler !== undefined;
  }

  async handle(activity: Partial<Activity>): Promise<InboundResult> {
    const event = classifyActivity(activity);
    switch (event.kind) {
      case 'message':
        this.background('message', () => this.onMessage(event.message, event.reference));
        return { status: 200 };
      case 'install':
        this.background('install', () => this.onInstall(event.reference, event.personal, event.installerId));
        return { status: 200 };
      case 'uninstall':
        this.background('uninstall', () => this.onUninstall(event.key, event.reason));
        return { status: 200 };
      case 'feedback': {
        const { feedback } = event;
        const known = await this.deps.bot.recordRating({ channel: 'teams', messageId: feedback.messageId, userId: feedback.userId, rating: feedback.rating, ...(feedback.comment ? { comment: feedback.comment } : {}) });
        if (!known) this.deps.logger.info('teams feedback on an unknown message', { messageId: feedback.messageId });
        return { status: 200 };
      }
      case 'unsupported-invoke':
        this.deps.logger.info('teams invoke not supported', { name: event.name });
        return { status: 501 };
      case 'ignored':
        this.deps.logger.debug('teams activity ignored', { reason: event.reason });
        return { status: 200 };
    }
  }

  /** Resolves once every background task started so far (and those they started) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private background(kind: string, task: () => Promise<void>): void {
    const run = (async () => {
      try {
        await task();
      } catch (error) {
        this.deps.logger.error('teams background task failed', { kind, error });
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async onMessage(message: IncomingMessage, reference: StoredReference): Promise<void> {
    await this.deps.state.saveReference(reference).catch((error: unknown) => this.deps.logger.warn('could not save Teams reference', { key: reference.key, error }));
    let enriched = message;
    if (this.deps.groups && message.addressedToBot) {
      try {
        enriched = { ...message, groups: await this.deps.groups.groupsOf(message.sender.id) };
      } catch (error) {
        this.deps.logger.warn('teams group lookup failed, access by user id only', { error });
      }
    }
    await this.handler?.(enriched);
  }

  /** Removal from a team also ends its channel threads (`teams:19:…;messageid=…` keys). */
  private async onUninstall(key: string, reason: string): Promise<void> {
    const references = await this.deps.state.listReferences({ channel: 'teams', activeOnly: true });
    const keys = new Set([key, ...references.map((reference) => reference.key).filter((other) => other.startsWith(`${key};messageid=`))]);
    for (const each of keys) await this.deps.state.deactivateReference(each, reason);
  }

  private async onInstall(reference: StoredReference, personal: boolean, installerId: string | undefined): Promise<void> {
    await this.deps.state.saveReference(reference);
    const notifiedKey = personal && installerId ? `teams:${installerId}` : `welcome:${reference.key}`;
    if (!this.channel || !(await this.deps.state.markNotified(notifiedKey))) return;
    const text = [WELCOME, ...(personal ? [] : [MENTION_HINT]), AI_NOTICE].join('\n\n');
    await this.channel.send({ key: reference.key, reference: reference.reference }, notice(text, ['aide']));
  }
}
