import type { Activity } from 'botbuilder';
import type { InboundSink, TurnTicket } from '../../bots/inbound-event.ts';
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
 *
 * When the core keeps durable turns (replicas), a message is recorded in the shared turn journal before the
 * 200 — Teams never delivers an acknowledged message again — and marked done once handled; a replica that
 * dies in between leaves it to another, which hands the recorded activity back here (`replay`). A message
 * Teams delivers twice is recorded once and handled once. If the journal cannot be written, the message is
 * still answered (by this replica only).
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
    sink.turns?.onRecovered('teams', (payload) => this.replay(payload as Partial<Activity>));
  }

  /** A message recorded by a replica that died before answering it: handled as if it had just arrived. */
  async replay(activity: Partial<Activity>): Promise<void> {
    const event = classifyActivity(activity);
    if (event.kind !== 'message') return;
    await this.onMessage(event.message, event.reference);
  }

  get ready(): boolean {
    return this.sink !== undefined;
  }

  async handle(activity: Partial<Activity>): Promise<InboundResult> {
    const event = classifyActivity(activity);
    const sink = this.sink;
    switch (event.kind) {
      case 'message': {
        const ticket = await this.journal(activity);
        if (ticket === 'duplicate') {
          this.deps.logger.info('teams message delivered again: already recorded, handled once');
          return { status: 200 };
        }
        this.background('message', () => this.onMessage(event.message, event.reference), ticket);
        return { status: 200 };
      }
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

  /** Records a message in the core's turn journal before it is acknowledged (when the core keeps one). */
  private async journal(activity: Partial<Activity>): Promise<TurnTicket | 'duplicate' | undefined> {
    const turns = this.sink?.turns;
    const conversationId = activity.conversation?.id;
    if (!turns || !activity.id || !conversationId) return undefined;
    try {
      return await turns.record('teams', `${conversationId}|${activity.id}`, activity);
    } catch (error) {
      this.deps.logger.warn('teams message not recorded in the turn journal: answered by this replica only', { error });
      return undefined;
    }
  }

  private background(kind: string, task: () => Promise<void>, ticket?: TurnTicket): void {
    const run = (async () => {
      let handled = false;
      try {
        await task();
        handled = true;
      } catch (error) {
        this.deps.logger.error('teams background task failed', { kind, error });
      }
      if (ticket) await this.sink?.turns?.settle(ticket, handled);
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
