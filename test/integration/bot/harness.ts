import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamByEditing, type ChannelAdapter, type ReplyStream } from '../../../bots/channel-adapter.ts';
import { createBotApplication, type BotApplication, type BotOverrides } from '../../../app/bot-application.ts';
import { silentLogger, type Logger } from '../../../bots/logger.ts';
import type { ConversationAddress, IncomingMessage } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';
import type { ChannelName } from '../../../bots/message.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import { startFakeModelServer, type ChatBehaviour, type ChatRequestBody, type FakeModelServer, type RecordedRequest } from '../../fakes/model-server.ts';
import { writeCorpus, type CorpusFiles } from './corpus.ts';
import { AI_NOTICE } from '../../../bots/user-messages.ts';

/**
 * A channel that records what the bot sends, with the time of each call. With `streaming`, a streamed reply
 * is recorded like an edited message: its first reply in `sent`, its updates and final reply in `updates`.
 */
export class RecordingChannel implements ChannelAdapter {
  readonly sent: Array<{ id: string; reply: Reply; at: number }> = [];
  readonly updates: Array<{ id: string; reply: Reply; at: number }> = [];
  readonly idempotentSends: boolean = false;
  streaming = false;
  private counter = 0;

  constructor(readonly name: ChannelName = 'teams') {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async send(_address: ConversationAddress, reply: Reply): Promise<string> {
    const id = `out-${++this.counter}`;
    this.sent.push({ id, reply, at: Date.now() });
    return id;
  }

  async update(_address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    this.updates.push({ id: messageId, reply, at: Date.now() });
  }

  async stream(address: ConversationAddress, first: Reply): Promise<ReplyStream | undefined> {
    return this.streaming ? streamByEditing(this, address, first) : undefined;
  }
}

let messageCounter = 0;

export function message(text: string, options: Partial<IncomingMessage> = {}): IncomingMessage {
  const channel = options.channel ?? 'teams';
  const conversation = options.conversation ?? { key: `${channel}:conv-1`, reference: { id: 'conv-1' } };
  return {
    channel,
    id: `in-${++messageCounter}`,
    conversation,
    sender: { id: 'agent-1@douane.finances.gouv.fr' },
    text,
    addressedToBot: true,
    isDirect: true,
    attachments: [],
    receivedAt: new Date().toISOString(),
    ...options,
  };
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `passerelle-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface ModelEndpoint {
  provider: 'mistral' | 'openai-compatible';
  server: FakeModelServer;
  ceiling?: string;
}

export interface HarnessOptions {
  /** Values applied last to the configuration (e.g. `{ bot: { answerTimeoutMs: 300 } }`). */
  overrides?: Record<string, unknown>;
  env?: Record<string, string>;
  model?: ModelEndpoint;
  botOverrides?: BotOverrides;
  logger?: Logger;
  /** Set false to start with empty bases. */
  ingest?: boolean;
}

export interface Harness {
  app: BotApplication;
  config: Readonly<Config>;
  channel: RecordingChannel;
  dir: string;
  files: CorpusFiles;
  /** Sends one message through the whole bot; returns the replies sent while it was handled. */
  say(text: string, options?: Partial<IncomingMessage>): Promise<Reply[]>;
  /** Ingests the corpus (legal and hr as public, procedures per front matter). */
  ingestCorpus(): Promise<void>;
  close(): Promise<void>;
}

export function modelEnv(endpoint: ModelEndpoint): Record<string, string> {
  return {
    CHAT_MODEL_PROVIDER: endpoint.provider,
    CHAT_MODEL_URL: endpoint.provider === 'mistral' ? endpoint.server.url : `${endpoint.server.url}/v1`,
    CHAT_MODEL_NAME: endpoint.provider === 'mistral' ? 'mistral-small-latest' : 'albert-large',
    CHAT_MODEL_API_KEY: 'sk-test',
    CHAT_MODEL_CEILING: endpoint.ceiling ?? 'public',
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const temp = tempDir('bot');
  const files = writeCorpus(join(temp.path, 'corpus'));
  const config = loadConfig({
    // The abstention threshold is calibrated on the real corpus (docs/retrieval.md); these tests run on a few
    // articles, where the same questions are answered at a lower threshold. Tests of abstention itself still hold.
    env: {
      PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000', PASSERELLE_ABSTAIN_BELOW: '0.5',
      // « Je rédige la réponse… » after 2 s of model wait would turn answers into edits on a loaded machine; tested on its own (progress.test.ts).
      PASSERELLE_PROGRESS_AFTER_MS: '600000',
      ...(options.model ? modelEnv(options.model) : {}), ...options.env,
    },
    overrides: { chatModel: { maxRetries: 0 }, ...options.overrides },
  });
  const app = await createBotApplication(config, options.logger ?? silentLogger, options.botOverrides);
  const channel = new RecordingChannel();
  app.bot.register(channel);
  const harness: Harness = {
    app,
    config,
    channel,
    dir: temp.path,
    files,
    async say(text, messageOptions = {}) {
      const before = channel.sent.length;
      await app.bot.handle(message(text, messageOptions));
      return channel.sent.slice(before).map((entry) => entry.reply);
    },
    async ingestCorpus() {
      const { ingestion } = app.knowledge;
      await ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [files.legal], { defaultClassification: 'public' });
      await ingestion.ingest({ kb: 'hr', ceiling: 'diffusion-restreinte' }, [files.hr], { defaultClassification: 'public' });
      await ingestion.ingest({ kb: 'procedures', ceiling: 'diffusion-restreinte' }, [join(files.restricted, '..')], { defaultClassification: 'interne' });
    },
    async close() {
      await app.close();
      temp.remove();
    },
  };
  if (options.ingest !== false) await harness.ingestCorpus();
  return harness;
}

/** An answer's text after the decisive sentence quoted above a generated answer (answers that teach). */
export function paraphraseOf(text: string | undefined): string {
  return (text ?? '').replace(/^📌 [^\n]*\n> [^\n]*\n\n/, '');
}

/** The answer of a list of replies (skipping progress), without the AI notice a user's first answer carries. */
export function answerOf(replies: Reply[]): Reply {
  const answer = replies.find((reply) => reply.kind === 'answer') ?? replies.filter((reply) => reply.kind !== 'progress').at(-1);
  if (!answer) throw new Error(`no reply among ${JSON.stringify(replies.map((reply) => reply.kind))}`);
  return withoutNotice(answer);
}

/** A reply without the AI notice appended to a user's first reply (pipeline.test.ts checks the notice itself). */
export function withoutNotice(reply: Reply): Reply {
  const suffix = `\n\n${AI_NOTICE}`;
  return reply.text.endsWith(suffix) ? { ...reply, text: reply.text.slice(0, -suffix.length) } : reply.text === AI_NOTICE ? { ...reply, text: '' } : reply;
}

export type ChatRequest = RecordedRequest<ChatRequestBody>;

/** What a chat request to the model is for, read from its system prompt. */
export function purposeOf(request: ChatRequest): 'route' | 'rewrite' | 'answer' {
  const system = String(request.body.messages?.find((entry) => entry.role === 'system')?.content ?? '');
  if (system.includes('Tu classes')) return 'route';
  if (system.startsWith('Réécris')) return 'rewrite';
  return 'answer';
}

export function chatRequests(server: FakeModelServer, purpose?: ReturnType<typeof purposeOf>): ChatRequest[] {
  return (server.requests as ChatRequest[]).filter((request) => request.path.endsWith('/chat/completions') && (!purpose || purposeOf(request) === purpose));
}

export function requestText(request: ChatRequest): string {
  return (request.body.messages ?? []).map((entry) => (typeof entry.content === 'string' ? entry.content : JSON.stringify(entry.content))).join('\n');
}

export interface ModelScript {
  /** Behaviours for answer requests, in order; when empty, `defaultAnswer`. */
  answers: ChatBehaviour[];
  defaultAnswer?: ChatBehaviour;
  /** Routing reply; default: hr for HR words, else legal, confidence 0.9. */
  route?: (question: string) => ChatBehaviour;
  rewrite?: (question: string) => ChatBehaviour;
}

const HR_WORDS = /cong|contractuel|fonctionnaire|temps partiel|télétravail|mutation/i;

/** Answers chat requests according to their purpose (routing, rewriting, answering). */
export function scriptModel(server: FakeModelServer, script: Partial<ModelScript> = {}): ModelScript {
  const full: ModelScript = { answers: [], ...script };
  server.onChat((request) => {
    const last = String(request.body.messages?.at(-1)?.content ?? '');
    switch (purposeOf(request)) {
      case 'route': {
        const question = /Question : """([\s\S]*)"""/.exec(last)?.[1] ?? last;
        return full.route?.(question) ?? { content: JSON.stringify({ kb: HR_WORDS.test(question) ? 'hr' : /retenue|bagages/i.test(question) ? 'procedures' : 'legal', confidence: 0.9 }) };
      }
      case 'rewrite':
        return full.rewrite?.(last) ?? { content: last };
      default:
        return full.answers.shift() ?? full.defaultAnswer ?? { content: 'Les agents des douanes peuvent procéder à la visite des marchandises [1].' };
    }
  });
  return full;
}

/** A fake model server and a bot harness answering through it, for one describe block (see `withModelHarness`). */
export interface ModelRig {
  server: FakeModelServer;
  harness: Harness;
  /** The model's script for the current test: reset before each one. */
  script: ModelScript;
}

/**
 * Starts a fake model server and a harness using it before the block's tests (`options` gets the server), resets
 * the server and scripts the model afresh before each test (`script`: the script's defaults), closes both after.
 */
export function withModelHarness(options: (server: FakeModelServer) => HarnessOptions, settings: { script?: Partial<ModelScript>; started?: (harness: Harness) => void } = {}): ModelRig {
  const rig = {} as ModelRig;
  before(async () => {
    rig.server = await startFakeModelServer();
    rig.harness = await startHarness(options(rig.server));
    settings.started?.(rig.harness);
  });
  beforeEach(() => {
    rig.server.reset();
    rig.script = scriptModel(rig.server, settings.script);
  });
  after(async () => {
    await rig.harness?.close();
    await rig.server?.close();
  });
  return rig;
}
