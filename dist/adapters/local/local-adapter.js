import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { renderReply } from "./render-reply.js";
/**
 * The terminal channel: one direct conversation with the local user. Each line typed is a message; replies
 * are rendered as text. Progress updates print once, then the final answer.
 */
export class LocalAdapter {
    input;
    output;
    name = 'local';
    idempotentSends = false;
    counter = 0;
    address;
    userId;
    closed;
    progressShown = new Set();
    constructor(input, output, options = {}) {
        this.input = input;
        this.output = output;
        this.userId = options.userId ?? `local:${safeUser()}`;
        this.address = { key: `local:${this.userId}`, reference: { userId: this.userId } };
        this.prompt = options.prompt ?? 'vous › ';
    }
    prompt;
    /** Resolves when the input ends (Ctrl-D, "quitter") and every message has been answered. */
    get finished() {
        return this.closed ?? Promise.resolve();
    }
    async start(sink) {
        const lines = createInterface({ input: this.input, terminal: false });
        this.closed = (async () => {
            this.output.write(this.prompt);
            for await (const line of lines) {
                if (/^\s*(quitter|exit|quit)\s*$/i.test(line))
                    break;
                if (line.trim() !== '')
                    await sink.receive({ kind: 'message', message: this.toMessage(line) });
                this.output.write(this.prompt);
            }
            this.output.write('\nAu revoir.\n');
            // Release the terminal (or pipe) so the process can exit even if the input stays open.
            lines.close();
            if ('pause' in this.input && typeof this.input.pause === 'function')
                this.input.pause();
            if ('unref' in this.input && typeof this.input.unref === 'function')
                this.input.unref();
        })();
    }
    async stop() { }
    async send(_address, reply) {
        const id = `local-${++this.counter}`;
        if (reply.kind === 'progress') {
            this.progressShown.add(id);
            this.output.write(`… ${reply.text.split('\n')[0]}\n`);
        }
        else {
            this.output.write(`\npasserelle › ${renderReply(reply)}\n`);
        }
        return id;
    }
    async update(_address, messageId, reply) {
        if (reply.kind === 'progress') {
            // Job acknowledgements and progress ("Tâche res-… enregistrée", "50 %") are worth a line each.
            this.output.write(`… ${reply.text.split('\n')[0]}\n`);
            return;
        }
        this.progressShown.delete(messageId);
        this.output.write(`\npasserelle › ${renderReply(reply)}\n`);
    }
    toMessage(text) {
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
function safeUser() {
    try {
        return userInfo().username;
    }
    catch {
        return 'agent';
    }
}
