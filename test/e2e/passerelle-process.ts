import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `passerelle` command run as a child process (the pinned Node, the real bin), for end-to-end tests. */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `passerelle <args>` with only PATH, HOME and `env`, `input` on stdin; rejects after `timeoutMs`. */
export function passerelle(args: string[], env: Record<string, string>, input?: string, timeoutMs = 60_000): Promise<Run> {
  return runScript('bin/passerelle.js', args, env, input, timeoutMs);
}

/** Runs the compiled CLI (`npm run build`) directly: plain Node, no TypeScript loader anywhere. */
export function compiledPasserelle(args: string[], env: Record<string, string>, input?: string, timeoutMs = 60_000): Promise<Run> {
  return runScript('dist/cli/main.js', args, env, input, timeoutMs);
}

function runScript(script: string, args: string[], env: Record<string, string>, input: string | undefined, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`passerelle ${args.join(' ')} did not finish in ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
