import type { Activity } from 'botbuilder';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { Logger } from '../../bots/logger.ts';
import type { IncomingMessage, StoredReference } from '../../bots/message.ts';
import { classifyActivity, type TeamsReference } from './activity-mapper.ts';
import type { ConversationOwners } from './conversation-owners.ts';
import type { GroupCache } from './group-cache.ts';

/**
 * What Passerelle does with an authenticated activity. The HTTP answer is decided at once (Teams allows
 * about 15 s, answers can take longer): messages, installations and removals are acknowledged with 200 and
 * handed to the core in the background, their replies leaving later through the outbound path. Only the
 * feedback invoke is handed over before answering, because its HTTP answer (200, empty body) says it was
 * stored. The core records what must be recorded (references, ratings, welcome, removals); this handler
 * only adds the sender's Entra groups (access control) to messages.
 */

export interface InboundResult {
  status: number;
  body?: unknown;
}

export interface InboundDeps {
  logger: Logger;
  /** Group memberships for access control, when Microsoft Graph is configured. */
  groups?: GroupCache;
  /** Owners of teams and group chats (moderators of their settings), when Microsoft Graph is configured. */
  owners?: ConversationOwners;
}

export class InboundHandler {
  private sink: InboundSink | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: InboundDeps) {}

  /** Connects the core. */
  attach(sink: InboundSink): void {
    this.sink = sink;
  }

  get ready(): boolean {
    return this.sink !== undefined;
  }

  async handle(activity: Partial<Activity>): Promise<InboundResult> {
    const event = classifyActivity(activity);
    const sink = this.sink;
    switch (event.kind) {
      case 'message':
        this.background('message', () => this.onMessage(event.message, event.reference));
        return { status: 200 };
      case 'install':
        this.background('install', async () => void (await sink?.receive({ kind: 'installed', conversation: event.reference, personal: event.personal, ...(event.installerId ? { installerId: event.installerId } : {}) })));
        return { status: 200 };
      case 'uninstall':
        // Removal from a team also ends its channel threads (`teams:19:…;messageid=…` keys).
        this.background('uninstall', async () => void (await sink?.receive({ kind: 'removed', channel: 'teams', key: event.key, threadKeyPrefix: `${event.key};messageid=`, reason: event.reason })));
        return { status: 200 };
      case 'feedback': {
        const { feedback } = event;
        await sink?.receive({ kind: 'rating', channel: 'teams', messageId: feedback.messageId, userId: feedback.userId, rating: feedback.rating, ...(feedback.comment ? { comment: feedback.comment } : {}), ...(feedback.reason ? { reason: feedback.reason } : {}) });
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
    let enriched = message;
    if (this.deps.groups && message.addressedToBot) {
      try {
        enriched = { ...message, groups: await this.deps.groups.groupsOf(message.sender.id) };
      } catch (error) {
        this.deps.logger.warn('teams group lookup failed, access by user id only', { error });
      }
    }
    if (this.deps.owners && message.addressedToBot && !message.isDirect) {
      try {
        if (await this.deps.owners.isOwner(message.conversation.reference as TeamsReference, message.sender.id)) enriched = { ...enriched, senderIsModerator: true };
      } catch (error) {
        this.deps.logger.warn('teams owner lookup failed, sender not a moderator', { error });
      }
    }
    await this.sink?.receive({ kind: 'message', message: enriched, conversation: reference });
  }
}
