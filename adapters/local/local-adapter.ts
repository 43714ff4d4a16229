import { userInfo } from 'node:os';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChannelAdapter } from '../../bots/channel-adapter.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { ConversationAddress, IncomingMessage } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import { renderReply } from './render-reply.ts';

/**
 * The terminal channel: one direct conversation with the local user. Each line typed is a message; replies
 * are rendered as text (Markdown styled for the terminal). On an interactive terminal the line is edited with
 * readline (arrows, history with ↑/↓, Ctrl-R) in raw mode, so a long line arrives whole instead of being cut
 * at the terminal's 4 KB line buffer, and the input guard refuses it in French. Lines are answered one after
 * the other; a reply that arrives while the agent is at the prompt (a summary finished later) is printed
 * above a fresh prompt, the line being typed kept.
 */
export interface LocalAdapterOptions {
  userId?: string;
  prompt?: string;
  /** Line editing and history; default: when the input is a terminal. */
  terminal?: boolean;
  /** ANSI styles; default: when the output is a terminal. */
  ansi?: boolean;
  /** Lines kept in the ↑/↓ history (default 500). */
  historySize?: number;
}

export class LocalAdapter implements ChannelAdapter {
  readonly name = 'local' as const;
  readonly idempotentSends = false;
  private counter = 0;
  private readonly address: ConversationAddress;
  private readonly userId: string;
  private readonly prompt: string;
  private readonly terminal: boolean;
  private readonly ansi: boolean;
  private readonly historySize: number;
  private closed: Promise<void> | undefined;
  private lines: Interface | undefined;
  /** True while a line typed by the agent is being answered (replies then belong to that turn). */
  private busy = false;
  private ended = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    options: LocalAdapterOptions = {},
  ) {
    this.userId = options.userId ?? `local:${safeUser()}`;
    this.address = { key: `local:${this.userId}`, reference: { userId: this.userId } };
    this.prompt = options.prompt ?? 'vous › ';
    this.terminal = options.terminal ?? isTerminal(input);
    this.ansi = options.ansi ?? isTerminal(output);
    this.historySize = options.historySize ?? 500;
  }

  /** Resolves when the input ends (Ctrl-D, Ctrl-C, "quitter") and every message has been answered. */
  get finished(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  async start(sink: InboundSink): Promise<void> {
    const lines = createInterface({
      input: this.input,
      ...(this.terminal ? { output: this.output, prompt: this.prompt, historySize: this.historySize, removeHistoryDuplicates: true } : {}),
      terminal: this.terminal,
      crlfDelay: Infinity,
    });
    this.lines = lines;
    this.closed = new Promise<void>((resolve) => {
      const pending: string[] = [];
      let draining = false;
      let inputClosed = false;
      const finish = () => {
        if (this.ended) return;
        this.ended = true;
        this.output.write('\nAu revoir.\n');
        // Release the terminal (or pipe) so the process can exit even if the input stays open.
        lines.close();
        if ('pause' in this.input && typeof this.input.pause === 'function') this.input.pause();
        if ('unref' in this.input && typeof (this.input as { unref?: unknown }).unref === 'function') (this.input as unknown as { unref(): void }).unref();
        resolve();
      };
      const drain = async () => {
        if (draining) return;
        draining = true;
        while (pending.length > 0 && !this.ended) {
          const line = pending.shift() as string;
          if (/^\s*(quitter|exit|quit)\s*$/i.test(line)) {
            finish();
            break;
          }
          if (line.trim() !== '') {
            this.busy = true;
            try {
              await sink.receive({ kind: 'message', message: this.toMessage(line) });
            } finally {
              this.busy = false;
            }
          }
          if (!this.ended && !(inputClosed && pending.length === 0)) this.showPrompt();
        }
        draining = false;
        if (inputClosed && pending.length === 0) finish();
      };
      lines.on('line', (line) => {
        pending.push(line);
        void drain();
      });
      lines.on('close', () => {
        inputClosed = true;
        if (!draining) void drain();
      });
      // Ctrl-C at the prompt leaves like « quitter ».
      lines.on('SIGINT', () => lines.close());
    });
    this.showPrompt();
  }

  async stop(): Promise<void> {}

  async send(_address: ConversationAddress, reply: Reply): Promise<string> {
    const id = `local-${++this.counter}`;
    this.print(reply);
    return id;
  }

  async update(_address: ConversationAddress, _messageId: string, reply: Reply): Promise<void> {
    // Job acknowledgements and progress ("Tâche res-… enregistrée", "50 %") are worth a line each.
    this.print(reply);
  }

  private print(reply: Reply): void {
    const text = reply.kind === 'progress' ? `… ${reply.text.split('\n')[0]}\n` : `\npasserelle › ${renderReply(reply, { ansi: this.ansi })}\n`;
    const atPrompt = !this.busy && !this.ended;
    if (atPrompt && this.terminal && isTerminal(this.output)) {
      // The agent is at the prompt, maybe typing: clear that line, print, then the prompt and what was typed.
      clearLine(this.output, 0);
      cursorTo(this.output, 0);
      this.output.write(text.replace(/^\n/, ''));
      this.lines?.prompt(true);
      return;
    }
    this.output.write(text);
    if (atPrompt) this.showPrompt();
  }

  private showPrompt(): void {
    if (this.ended) return;
    if (this.terminal && this.lines) this.lines.prompt(true);
    else this.output.write(this.prompt);
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

function isTerminal(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'agent';
  }
}
