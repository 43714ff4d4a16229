import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChannelAdapter } from '../../bots/channel-adapter.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { ConversationAddress, IncomingMessage } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import { renderReply } from './render-reply.ts';

/**
 * The terminal channel: one direct conversation with the local user. Each line typed is a message; replies
 * are rendered as text. Progress updates print once, then the final answer.
 */
export class LocalAdapter implements ChannelAdapter {
  readonly name = 'local' as const;
  readonly idempotentSends = false;
  private counter = 0;
  private readonly address: ConversationAddress;
  private readonly userId: string;
  private closed: Promise<void> | undefined;
  private readonly progressShown = new Set<string>();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    options: { userId?: string; prompt?: string } = {},
  ) {
    this.userId = options.userId ?? `local:${safeUser()}`;
    this.address = { key: `local:${this.userId}`, reference: { userId: this.userId } };
    this.prompt = options.prompt ?? 'vous › ';
  }

  private readonly prompt: string;

  /** Resolves when the input ends (Ctrl-D, "quitter") and every message has been answered. */
  get finished(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  async start(sink: InboundSink): Promise<void> {
    const lines = createInterface({ input: this.input, terminal: false });
    this.closed = (async () => {
      this.output.write(this.prompt);
      for await (const line of lines) {
        if (/^\s*(quitter|exit|quit)\s*$/i.test(line)) break;
        if (line.trim() !== '') await sink.receive({ kind: 'message', message: this.toMessage(line) });
        this.output.write(this.prompt);
      }
      this.output.write('\nAu revoir.\n');
      // Release the terminal (or pipe) so the process can exit even if the input stays open.
      lines.close();
      if ('pause' in this.input && typeof this.input.pause === 'function') this.input.pause();
      if ('unref' in this.input && typeof (this.input as { unref?: unknown }).unref === 'function') (this.input as unknown as { unref(): void }).unref();
    })();
  }

  async stop(): Promise<void> {}

  async send(_address: ConversationAddress, reply: Reply): Promise<string> {
    const id = `local-${++this.counter}`;
    if (reply.kind === 'progress') {
      this.progressShown.add(id);
      this.output.write(`… ${reply.text.split('\n')[0]}\n`);
    } else {
      this.output.write(`\npasserelle › ${renderReply(reply)}\n`);
    }
    return id;
  }

  async update(_address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    if (reply.kind === 'progress') {
      // Job acknowledgements and progress ("Tâche res-… enregistrée", "50 %") are worth a line each.
      this.output.write(`… ${reply.text.split('\n')[0]}\n`);
      return;
    }
    this.progressShown.delete(messageId);
    this.output.write(`\npasserelle › ${renderReply(reply)}\n`);
  }

  private toMessage(text: string): IncomingMessage {
    return {
      channel: 'local',
      id: `${process.pid}-${Date.now()}-${++this.counter}`,
      conversation: this.address,
      sender: { id: this.userId, displayName: safeUser() },
      text,
      addressedToBot: true,
      isDirect: true,
      attachments: [],
      receivedAt: new Date().toISOString(),
    };
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'agent';
  }
}
