/**
 * Loads the Matrix test kit (fake homeserver, test user client, bot launcher) through `import()`.
 *
 * Why: matrix-js-sdk throws "Multiple matrix-js-sdk entrypoints detected!" when a process loads it twice.
 * Under Node 22 mocha first `require`s each test file (tsx then compiles it, and every package it reaches,
 * to CommonJS) and falls back to `import()` when that fails — and loading the bot application through
 * `require` fails today (bots → knowledge → snowball-stemmers default import). A test file importing the
 * SDK statically would therefore load it once as CommonJS, then again as ESM. Loading everything Matrix
 * through `import()` keeps a single (ESM) copy of matrix-js-sdk and fake-indexeddb in the test process.
 *
 * @module
 */
import type * as Homeserver from './index.ts';
import type * as User from './matrix-user.ts';
import type * as Bot from './passerelle-bot.ts';

/** Everything the Matrix end-to-end tests use, from one ESM load. */
export type TestKit = typeof Homeserver & typeof User & typeof Bot;

let kit: Promise<TestKit> | undefined;

/** Loads (once) the fake homeserver, the test user client and the bot launcher. */
export function loadTestKit(): Promise<TestKit> {
  kit ??= Promise.all([import('./index.ts'), import('./matrix-user.ts'), import('./passerelle-bot.ts')]).then(([homeserver, user, bot]) => ({ ...homeserver, ...user, ...bot }));
  return kit;
}
