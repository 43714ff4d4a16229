import { foldText } from '../../knowledge/analysis/normalise.ts';
import { citationOf } from '../../knowledge/answering/citations.ts';
import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import type { AnswerService } from '../answer-service.ts';
import type { ConversationMemory } from '../conversation-memory.ts';
import type { Logger } from '../logger.ts';
import type { Stage, Turn } from '../pipeline.ts';
import { toPasserelleError } from '../errors.ts';
import { errorReply, notice, progress, type Citation, type Reply } from '../reply.ts';
import type { AnswerLog, CuratorLog } from '../../state/state-store.ts';
import * as say from '../user-messages.ts';
import { parseInput, prefixTable, type PrefixTable } from './command-parser.ts';
import type { JobCommands } from './job-commands.ts';
import { redactPersonalData } from '../../knowledge/policies/redaction.ts';

/** Handler of admin `annonce …` commands (bots/announcements); absent when announcements are not wired. */
export interface AnnounceCommandHandler {
  handle(turn: Turn, text: string): Promise<void>;
}

/** `paramètres` (bots/commands/room-settings-commands.ts). */
export interface SettingsCommandHandler {
  handle(turn: Turn, text: string): Promise<void>;
}

/** Learning mode (bots/learning/learning-commands.ts): quiz, AI-literacy training, `explique`. */
export interface LearningCommandHandler {
  quiz(turn: Turn, text: string): Promise<void>;
  trainingCommand(turn: Turn, text: string): Promise<void>;
  explain(turn: Turn, text: string): Promise<void>;
  /** True when the message was the answer to the quiz or training question waiting in the conversation. */
  answerPending(turn: Turn, text: string): Promise<boolean>;
}

/** The last stage: runs a command or answers a question, and records what feedback will need. */
export class Dispatcher implements Stage {
  readonly name = 'dispatch';
  private readonly prefixes: PrefixTable;

  constructor(
    private readonly catalog: KnowledgeCatalog,
    private readonly answers: AnswerService,
    private readonly memory: ConversationMemory,
    private readonly state: AnswerLog & Pick<CuratorLog, 'recordFeedback'>,
    private readonly store: Pick<VectorStore, 'getChunks'>,
    private readonly logger: Logger,
    private readonly streamingIntervalMs = 1_000,
    private readonly jobs?: JobCommands,
    private readonly announcements?: AnnounceCommandHandler,
    private readonly learning?: LearningCommandHandler,
    private readonly settings?: SettingsCommandHandler,
  ) {
    this.prefixes = prefixTable(catalog.bases);
  }

  async handle(turn: Turn): Promise<boolean> {
    // A file is noted for a later « résume »; sent alone, it is acknowledged with what the bot can do.
    if (turn.message.attachments.length > 0 && this.jobs && (await this.jobs.fileReceived(turn))) return true;
    const input = parseInput(turn.message.text, this.prefixes);
    const rights = turn.rights;
    if (!rights) throw new Error('dispatcher reached without access control');
    switch (input.type) {
      case 'help':
        await turn.reply(notice(say.helpText(this.catalog.bases.filter((kb) => rights.allowedKbs.includes(kb.id)).map((kb) => ({ name: kb.name, ...(kb.prefixes[0] ? { prefix: kb.prefixes[0] } : {}) })), { terminal: turn.message.channel === 'local' })));
        return true;
      case 'unknown-command':
        await turn.reply(notice(say.SHORT_HELP, ['aide']));
        return true;
      case 'forget':
        await this.memory.forget(turn.message.conversation.key);
        await turn.reply(notice(say.CONVERSATION_FORGOTTEN));
        return true;
      case 'feedback':
        if (!input.text) {
          await turn.reply(notice(say.FEEDBACK_EMPTY));
          return true;
        }
        await this.state.recordFeedback({ channel: turn.message.channel, messageId: '', userHash: rights.userHash, rating: 0, comment: redactPersonalData(input.text.slice(0, 4_000)).text, citedIds: [], at: new Date().toISOString() });
        await turn.reply(notice(say.FEEDBACK_THANKS));
        return true;
      case 'sources':
        await turn.reply(await this.lastSources(turn));
        return true;
      case 'question':
        if (!input.kb && isGreeting(input.text)) {
          await turn.reply(notice(say.GREETING, ['aide']));
          return true;
        }
        // A message without a base prefix may be the answer to the quiz question waiting in this conversation.
        if (this.learning && !input.kb && !input.unknownPrefix && (await this.learning.answerPending(turn, input.text))) return true;
        await this.answer(turn, input.text, input.kb, input.unknownPrefix);
        return true;
      case 'quiz':
        if (this.learning) await this.learning.quiz(turn, input.text);
        else await turn.reply(notice(say.LEARNING_DISABLED));
        return true;
      case 'training':
        if (this.learning) await this.learning.trainingCommand(turn, input.text);
        else await turn.reply(notice(say.LEARNING_DISABLED));
        return true;
      case 'explain':
        if (this.learning) await this.learning.explain(turn, input.text);
        else await turn.reply(notice(say.LEARNING_DISABLED));
        return true;
      case 'summarise':
        if (this.jobs) await this.jobs.summarise(turn, input.text);
        else await turn.reply(notice(say.JOBS_DISABLED));
        return true;
      case 'jobs':
        if (this.jobs) await this.jobs.list(turn);
        else await turn.reply(notice(say.JOBS_DISABLED));
        return true;
      case 'cancel':
        if (this.jobs) await this.jobs.cancel(turn, input.id);
        else await turn.reply(notice(say.JOBS_DISABLED));
        return true;
      case 'settings':
        if (this.settings) await this.settings.handle(turn, input.text);
        else await turn.reply(notice(say.SHORT_HELP, ['aide']));
        return true;
      case 'announce':
        if (this.announcements) await this.announcements.handle(turn, input.text);
        else await turn.reply(notice(say.ANNOUNCEMENTS_DISABLED));
        return true;
    }
  }

  private async answer(turn: Turn, question: string, forcedKb: string | undefined, unknownPrefix: string | undefined): Promise<void> {
    const rights = turn.rights!;
    if (rights.allowedKbs.length === 0 && !turn.room?.bases) {
      await turn.reply(notice(say.NO_BASE_ALLOWED));
      return;
    }
    const roomBases = turn.room?.bases;
    if (forcedKb && roomBases && !roomBases.includes(forcedKb)) {
      await turn.reply(notice(say.baseNotInRoom(this.catalog.get(forcedKb).name, roomBases.map((id) => this.catalog.bases.find((kb) => kb.id === id)?.name ?? id))));
      return;
    }
    if (rights.allowedKbs.length === 0 && roomBases) {
      await turn.reply(notice(say.NO_BASE_IN_ROOM));
      return;
    }
    if (forcedKb && !rights.allowedKbs.includes(forcedKb)) {
      await turn.reply(notice(say.baseForbidden(this.catalog.get(forcedKb).name)));
      return;
    }
    if (!/[\p{L}\p{N}]/u.test(question)) {
      await turn.reply(notice(say.EMPTY_MESSAGE, ['aide']));
      return;
    }
    const { message } = turn;
    // Streamed where the channel can (Teams personal chats, Tchap edits), else "typing…" then one reply.
    const stream = await turn.stream(progress(say.WORKING));
    if (!stream) await turn.typing();
    let lastUpdate = 0;
    let pending: Promise<void> = Promise.resolve();
    // A model slow to answer: the agent sees that the answer is being written, on every channel (the streamed
    // message says so; elsewhere a placeholder message, replaced by the answer).
    let placeholder: Promise<string | undefined> | undefined;
    const onWaiting = () => {
      if (stream) {
        pending = pending.then(() => stream.update(progress(say.DRAFTING))).catch((error: unknown) => this.logger.warn('progress update failed', { error }));
        return;
      }
      placeholder = turn.reply(progress(say.DRAFTING)).catch((error: unknown) => {
        this.logger.warn('progress message failed', { error });
        return undefined;
      });
      void turn.typing();
    };
    let outcome: Awaited<ReturnType<AnswerService['answer']>>;
    try {
      outcome = await this.answers.answer({
      question,
      ...(forcedKb ? { forcedKb } : {}),
      allowedKbs: rights.allowedKbs,
      clearance: 'diffusion-restreinte',
      conversationKey: message.conversation.key,
      channel: message.channel,
      userHash: rights.userHash,
      onWaiting,
      ...(stream
        ? {
            onPartial: (text: string) => {
              const now = Date.now();
              if (now - lastUpdate < this.streamingIntervalMs) return;
              lastUpdate = now;
              pending = pending.then(() => stream.update(progress(text))).catch((error: unknown) => this.logger.warn('streaming update failed', { error }));
            },
          }
        : {}),
      });
    } catch (error) {
      const shown = await placeholder;
      if (!stream && !shown) throw error;
      // The streamed message must not stay "Je cherche…" (or a partial text): it becomes the error message.
      const failure = toPasserelleError(error);
      this.logger.error('answer failed', { code: failure.code, channel: message.channel, error: failure.cause ?? failure });
      await pending;
      if (stream) await stream.finish(errorReply(failure.userMessage));
      else if (shown) await turn.edit(shown, errorReply(failure.userMessage));
      return;
    }
    await pending;
    const reply: Reply = unknownPrefix ? { ...outcome.reply, text: `${say.unknownPrefix(unknownPrefix)}\n\n${outcome.reply.text}` } : outcome.reply;
    const shown = await placeholder;
    let messageId: string;
    if (stream) messageId = await stream.finish(reply);
    else if (shown) {
      await turn.edit(shown, reply);
      messageId = shown;
    } else messageId = await turn.reply(reply);
    await this.state.saveAnswer({
      messageId,
      channel: message.channel,
      conversationKey: message.conversation.key,
      question,
      answer: reply.text.slice(0, 8_000),
      ...(outcome.route ? { kb: outcome.route.kb } : {}),
      citedIds: outcome.citedIds,
      at: new Date().toISOString(),
    });
  }

  private async lastSources(turn: Turn): Promise<Reply> {
    const turns = await this.memory.recent(turn.message.conversation.key);
    const last = [...turns].reverse().find((entry) => entry.role === 'assistant');
    if (!last) return notice(say.NO_PREVIOUS_ANSWER);
    // An abstention cites nothing: never show an older answer's sources as those of the last one.
    if (!last.citedIds || last.citedIds.length === 0) return notice(say.NO_SOURCES_IN_LAST_ANSWER);
    const bases = last.kb ? [last.kb, ...turn.rights!.allowedKbs.filter((kb) => kb !== last.kb)] : turn.rights!.allowedKbs;
    const citations: Citation[] = [];
    for (const id of last.citedIds) {
      for (const kb of bases) {
        const [chunk] = await this.store.getChunks(kb, [id]);
        if (chunk) {
          citations.push(citationOf(chunk, citations.length + 1));
          break;
        }
      }
    }
    const lines = citations.map((citation) => `- [${citation.index}] ${citation.title}${citation.context ? ` (${citation.context})` : ''}${citation.url ? ` — ${citation.url}` : ''}`);
    return { kind: 'notice', text: `${say.SOURCES_HEADER}\n${lines.join('\n')}`, citations, suggestedActions: [], aiGenerated: false, feedback: false };
  }
}

/** A greeting and nothing else: « bonjour », « Bonjour Passerelle ! », « salut », « hello », « bonsoir à tous ». */
export function isGreeting(text: string): boolean {
  return /^(?:bonjour|bonsoir|salut|hello|coucou|bonjour a tous|bonsoir a tous)(?:\s+passerelle)?[\s!.,]*$/.test(foldText(text).trim());
}
