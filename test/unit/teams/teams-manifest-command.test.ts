import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { teamsManifestCommand } from '../../../cli/commands/teams-manifest-command.ts';
import { UsageError } from '../../../cli/commands/command.ts';
import type { CliContext } from '../../../cli/cli-context.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';

const APP_ID = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';

describe('cli / passerelle teams-manifest', () => {
  let dir: string;
  let output: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-manifest-'));
    output = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function context(env: Record<string, string>): CliContext {
    const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), ...env } });
    return { config, logger: silentLogger, out: (text) => output.push(text), err: (text) => output.push(text), knowledge: () => Promise.reject(new Error('unused')), close: async () => undefined };
  }

  it('writes a ready-to-upload zip with the bot id from TEAMS_APP_ID', async () => {
    const out = join(dir, 'passerelle.zip');
    assert.equal(await teamsManifestCommand.run(['--out', out, '--version', '1.2.3'], context({ TEAMS_APP_ID: APP_ID })), 0);
    const files = unzipSync(readFileSync(out));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { id: string; version: string; bots: Array<{ botId: string }> };
    assert.equal(manifest.id, APP_ID);
    assert.equal(manifest.bots[0]?.botId, APP_ID);
    assert.equal(manifest.version, '1.2.3');
    assert.ok(files['color.png'] && files['outline.png']);
    assert.match(output.join(''), /Paquet d’application Teams écrit/);
  });

  it('fails with a clear French message when TEAMS_APP_ID is missing', async () => {
    await assert.rejects(teamsManifestCommand.run(['--out', join(dir, 'x.zip')], context({})), (error: unknown) => error instanceof PasserelleError && /TEAMS_APP_ID est requis pour générer le manifeste Teams/.test(error.userMessage));
  });

  it('refuses bad flags as usage errors', async () => {
    await assert.rejects(teamsManifestCommand.run(['--version', 'deux'], context({ TEAMS_APP_ID: APP_ID })), UsageError);
    await assert.rejects(teamsManifestCommand.run(['--website-url', 'http://insecure.example'], context({ TEAMS_APP_ID: APP_ID })), UsageError);
    await assert.rejects(teamsManifestCommand.run(['--nope'], context({ TEAMS_APP_ID: APP_ID })), UsageError);
  });
});
