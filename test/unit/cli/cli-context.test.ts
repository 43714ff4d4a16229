import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { createCliContext } from '../../../cli/cli-context.ts';

/** The log level: PASSERELLE_LOG_LEVEL wins; the default depends on the command. */
describe('cli context: log level', () => {
  let dir: string;
  let lines: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-cli-'));
    lines = [];
    sinon.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  });
  afterEach(() => {
    sinon.restore();
    rmSync(dir, { recursive: true, force: true });
  });
  const context = (env: Record<string, string>, level?: 'info' | 'warn') => createCliContext({ out: () => {}, err: () => {}, env: { PASSERELLE_DATA_DIR: dir, ...env } }, level);

  it('PASSERELLE_LOG_LEVEL=info is respected (serve logs invites, rooms left, jobs completed)', () => {
    context({ PASSERELLE_LOG_LEVEL: 'info' }).logger.info('matrix invite accepted');
    assert.equal(lines.filter((line) => line.includes('matrix invite accepted')).length, 1);
  });

  it('unset: info for long-running commands, warn for the others', () => {
    context({}, 'info').logger.info('long-running');
    context({}).logger.info('one-shot');
    assert.deepEqual(lines.map((line) => JSON.parse(line).message), ['long-running']);
  });

  it('an explicit warn silences info even for serve', () => {
    context({ PASSERELLE_LOG_LEVEL: 'warn' }, 'info').logger.info('hidden');
    assert.equal(lines.length, 0);
  });
});
