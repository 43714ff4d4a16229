#!/usr/bin/env node
// Launcher for the `passerelle` command. The project targets Node >= 22 (node:sqlite, stable fetch
// streaming); `npm ci` installs a pinned Node 22 in node_modules/.bin, which npm scripts and npx put first
// in PATH. TypeScript sources are loaded through tsx, so there is no build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `Passerelle demande Node 22.13 ou plus récent (version trouvée : ${process.versions.node}). ` +
      'Lancez-le par « npx passerelle … » ou « npm start » après « npm ci », qui fournissent le Node 22 du projet.\n',
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
