import { runCli } from '../../../cli/main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `passerelle <argv>` in-process with only the given environment (no process.env), capturing both streams. */
export async function cli(argv: string[], env: Record<string, string>): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text), env: { PASSERELLE_LOG_LEVEL: 'silent', ...env } });
  return { code, out, err };
}
