#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` builds too): compiles the TypeScript of serve, worker and the CLI
// to dist/ (tsconfig.build.json), copies the data files the code reads next to itself (YAML, JSON, console
// assets, word lists), then writes dist/.build-stamp. bin/passerelle.js runs dist/ when the stamp is newer than
// every source file, and the sources through tsx otherwise (development, tests). Without TypeScript installed
// (`npm ci --omit=dev`) there is nothing to build: the launcher uses tsx.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_DIRS } from './launcher.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

if (!existsSync(tsc)) {
  process.stdout.write('passerelle build: TypeScript is not installed (production install); the sources run through tsx.\n');
  process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.stderr.write('passerelle build: tsc failed; dist/ removed, the sources will run through tsx.\n');
  process.exit(compiled.status ?? 1);
}

let assets = 0;
const copyAssets = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!entry.name.endsWith('.ts')) {
      const target = join(dist, relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      assets++;
    }
  }
};
for (const dir of SOURCE_DIRS) copyAssets(join(root, dir));
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stdout.write(`passerelle build: dist/ compiled, ${assets} data files copied.\n`);
