#!/usr/bin/env node
// Launcher for the `passerelle` command. The project targets Node >= 22 (node:sqlite, stable fetch
// streaming); `npm ci` installs a pinned Node 22 in node_modules/.bin, which npm scripts and npx put first
// in PATH. TypeScript sources are loaded through tsx, so there is no build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `Passerelle needs Node >= 22.13 (found ${process.versions.node}). ` +
      'Run it through npx or npm scripts after `npm ci`, which provide the pinned Node 22.\n',
  );
  process.exit(1);
}
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'ExperimentalWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
