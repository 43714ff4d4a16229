// Which code `passerelle` runs: the compiled JavaScript in dist/ when it is up to date, else the TypeScript
// sources through tsx. Plain JavaScript (it runs before any TypeScript loader).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders compiled to dist/ (tsconfig.build.json) whose files the running code reads. */
export const SOURCE_DIRS = ['app', 'bots', 'adapters', 'knowledge', 'state', 'queue', 'worker', 'config', 'cli'];

/**
 * 'compiled' when dist/cli/main.js and dist/.build-stamp exist and no source file (code or data) changed after
 * the stamp; 'tsx' otherwise, or when PASSERELLE_RUNTIME=tsx asks for it. A stale dist/ is never run: an edit
 * is always what runs.
 */
export function chooseRuntime(root, env = process.env) {
  if (env.PASSERELLE_RUNTIME === 'tsx') return 'tsx';
  const stamp = join(root, 'dist', '.build-stamp');
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')) || !existsSync(stamp)) return 'tsx';
  const builtAt = statSync(stamp).mtimeMs;
  return SOURCE_DIRS.some((dir) => changedSince(join(root, dir), builtAt)) ? 'tsx' : 'compiled';
}

function changedSince(dir, time) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, time) : statSync(path).mtimeMs > time) return true;
  }
  return false;
}
