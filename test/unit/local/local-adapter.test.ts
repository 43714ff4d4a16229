import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { LocalAdapter } from '../../../adapters/local/local-adapter.ts';
import type { InboundEvent, InboundSink } from '../../../bots/inbound-event.ts';
import { notice } from '../../../bots/reply.ts';

/** A stream that says it is a terminal: readline then edits lines in raw mode, as on a real TTY. */
function fakeTerminal(): { input: PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void; raw: boolean }; output: PassThrough & { isTTY: boolean; columns: number }; written(): string } {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: false, setRawMode(mode: boolean) { input.raw = mode; } });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { input, output, written: () => text };
}

const SILENT: InboundSink = { receive: async () => ({ recorded: true }), knowsConversation: async () => true, firstTime: async () => true };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LocalAdapter: the terminal chat', () => {
  it('on a terminal: raw-mode line editing, ↑ recalls the previous message (no « ^[[A »), a 5,000-character line arrives whole', async () => {
    const { input, output } = fakeTerminal();
    const adapter = new LocalAdapter(input, output, { userId: 'local:test' });
    const received: string[] = [];
    const sink: InboundSink = {
      receive: async (event: InboundEvent) => {
        if (event.kind === 'message') received.push(event.message.text);
        return { recorded: true };
      },
      knowsConversation: async () => true,
      firstTime: async () => true,
    };
    await adapter.start(sink);
    assert.equal(input.raw, true, 'readline drives the terminal in raw mode (no 4 KB canonical line buffer)');
    input.write('Combien de jours de congés ?\r');
    await settle();
    input.write('\u001b[A');
    await settle();
    input.write('\r');
    await settle();
    input.write('edition\u001b[D\u001b[DX\r');
    await settle();
    const long = 'é'.repeat(5_000);
    input.write(`${long}\r`);
    await settle();
    input.write('quitter\r');
    await adapter.finished;
    assert.deepEqual(received.slice(0, 3), ['Combien de jours de congés ?', 'Combien de jours de congés ?', 'editiXon']);
    assert.equal(received[3]?.length, 5_000, 'the whole line, not cut by the terminal');
    assert.ok(!received.some((text) => text.includes('\u001b') || text.includes('^[')));
  });

  it('a reply arriving while the agent is at the prompt (a summary done later) is printed above a new prompt, the typed text kept', async () => {
    const { input, output, written } = fakeTerminal();
    const adapter = new LocalAdapter(input, output, { userId: 'local:test', ansi: false });
    await adapter.start(SILENT);
    input.write('début de quest');
    await settle();
    const before = written().length;
    await adapter.send({ key: 'local:local:test', reference: {} }, notice('# Résumé court\n\nLe résumé est prêt.'));
    // eslint-disable-next-line no-control-regex
    const after = written().slice(before).replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    assert.ok(after.includes('passerelle › Résumé court'), JSON.stringify(after));
    assert.ok(after.trimEnd().endsWith('vous › début de quest'), `the prompt comes back with the text being typed: ${JSON.stringify(after)}`);
    input.write('ion\r');
    input.write('quitter\r');
    await adapter.finished;
  });

  it('through a pipe: a late reply is followed by the prompt again; the end of input says goodbye', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const adapter = new LocalAdapter(input, output, { userId: 'local:test' });
    await adapter.start(SILENT);
    await adapter.send({ key: 'local:local:test', reference: {} }, notice('Résultat **prêt**.'));
    assert.ok(text.endsWith('passerelle › Résultat prêt.\n\nvous › '), JSON.stringify(text));
    input.end();
    await adapter.finished;
    assert.ok(text.endsWith('Au revoir.\n'));
  });
});
