#!/usr/bin/env node
// Launcher for the `passerelle` command. The project targets Node >= 22 (node:sqlite, stable fetch
// streaming); `npm ci` installs a pinned Node 22 in node_modules/.bin, which npm scripts and npx put first
// in PATH. It runs the compiled JavaScript in dist/ (`npm run build`, also run by `npm ci`) when it is up to
// date with the sources, else the TypeScript sources through tsx (development, tests; bin/launcher.js).
// The version is checked here, on the Node that runs Passerelle, and not by an `engines` field in package.json:
// npm checks `engines` against the Node that runs npm, so `npx passerelle` under an older system Node printed
// npm's EBADENGINE warning twice while the project's Node 22 ran the command without a problem.
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
const { chooseRuntime } = await import('./launcher.js');
const { fileURLToPath } = await import('node:url');
if (chooseRuntime(fileURLToPath(new URL('..', import.meta.url))) === 'compiled') {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
