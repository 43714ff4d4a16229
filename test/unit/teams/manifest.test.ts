import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { strFromU8, unzipSync } from 'fflate';
import { buildAppPackage, buildManifest, MANIFEST_SCHEMA } from '../../../adapters/teams/manifest.ts';
import { loadConfig } from '../../../config/load-config.ts';

/** The shipped catalogue (config/knowledge-bases.yaml). */
const BASES = loadConfig({ env: {} }).knowledgeBases;
import { colorIcon, outlineIcon } from '../../../adapters/teams/png.ts';
import { PasserelleError } from '../../../bots/errors.ts';

const APP_ID = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';

/** Decodes the PNGs produced here (8-bit RGBA, filter 0): size and pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; pixel(x: number, y: number): number[] } {
  const buffer = Buffer.from(png);
  assert.deepEqual([...buffer.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([...body.subarray(8)], [8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  assert.equal(raw.length, height * (1 + width * 4));
  return { width, height, pixel: (x, y) => [...raw.subarray(y * (1 + width * 4) + 1 + x * 4, y * (1 + width * 4) + 5 + x * 4)] };
}

describe('teams / app package', () => {
  it('builds a v1.19 manifest with the bot id, the three scopes and the French commands', () => {
    const manifest = buildManifest({ appId: APP_ID, botName: 'Passerelle' }, { version: '0.1.0', bases: BASES });
    assert.equal(manifest.$schema, MANIFEST_SCHEMA);
    assert.equal(manifest.manifestVersion, '1.19');
    assert.equal(manifest.id, APP_ID);
    const [bot] = manifest.bots as Array<{ botId: string; scopes: string[]; commandLists: Array<{ commands: Array<{ title: string; description: string }> }> }>;
    assert.equal(bot?.botId, APP_ID);
    assert.deepEqual(bot?.scopes, ['personal', 'team', 'groupChat']);
    assert.deepEqual(bot?.commandLists[0]?.commands.map((command) => command.title), ['aide', 'sources', 'oublie', 'avis', 'code:', 'rh:', 'procédures:']);
    assert.ok(bot?.commandLists[0]?.commands.every((command) => command.title.length <= 32 && command.description.length <= 128));
    const name = manifest.name as { short: string; full: string };
    const description = manifest.description as { short: string; full: string };
    assert.ok(name.short.length <= 30 && name.full.length <= 100 && description.short.length <= 80 && description.full.length <= 4000);
    assert.match(description.full, /intelligence artificielle/);
    assert.equal((manifest.localizationInfo as { defaultLanguageTag: string }).defaultLanguageTag, 'fr-fr');
    assert.equal((manifest.bots as Array<{ supportsFiles: boolean }>)[0]?.supportsFiles, true, 'files in personal chats (summaries)');
    assert.deepEqual(manifest.webApplicationInfo, { id: APP_ID, resource: 'https://RscBasedStoreApp' });
    assert.deepEqual(manifest.authorization, { permissions: { resourceSpecific: [{ name: 'ChatMessage.Read.Chat', type: 'Application' }, { name: 'ChannelMessage.Read.Group', type: 'Application' }] } });
    assert.ok(Object.values(manifest.developer as Record<string, string>).slice(1).every((url) => url.startsWith('https://')));
  });

  it('refuses to build without a GUID app id, with a French message', () => {
    assert.throws(() => buildManifest({ botName: 'Passerelle' }, { version: '1.0.0', bases: BASES }), (error: unknown) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID' && /TEAMS_APP_ID est requis/.test(error.userMessage));
    assert.throws(() => buildManifest({ appId: 'passerelle-bot', botName: 'Passerelle' }, { version: '1.0.0', bases: BASES }), (error: unknown) => error instanceof PasserelleError && /GUID/.test(error.userMessage));
  });

  it('zips manifest.json, color.png (192×192) and outline.png (32×32, white on transparent) at the root', () => {
    const files = unzipSync(buildAppPackage({ appId: APP_ID, botName: 'Passerelle' }, { version: '2.3.4', bases: BASES }));
    assert.deepEqual(Object.keys(files).sort(), ['color.png', 'manifest.json', 'outline.png']);
    assert.equal((JSON.parse(strFromU8(files['manifest.json']!)) as { version: string }).version, '2.3.4');
    const color = decodePng(files['color.png']!);
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual(color.pixel(0, 0), [0, 0, 145, 255], 'Bleu France background');
    const outline = decodePng(files['outline.png']!);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    const colours = new Set<string>();
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) colours.add(outline.pixel(x, y).join(','));
    assert.deepEqual([...colours].sort(), ['0,0,0,0', '255,255,255,255'], 'outline: white and transparent only');
  });

  it('draws deterministic icons', () => {
    assert.deepEqual(colorIcon(), colorIcon());
    assert.deepEqual(outlineIcon(), outlineIcon());
  });
});
