import { writeLexicalFile } from '../../../knowledge/stores/embedded/lexical-file.ts';

/**
 * Another process writing a base's index file over and over (lexical-file.test.ts): payloads of two sizes,
 * each filled with one byte, so that a reader can tell a whole file from a mix of two or a partial one.
 */
const [path, token] = process.argv.slice(2) as [string, string];
const payloads = [new Uint8Array(3_000_000).fill(0xaa), new Uint8Array(1_000_000).fill(0xbb)];
for (let round = 0; ; round++) {
  writeLexicalFile(path, token, 1, payloads[round % 2] as Uint8Array);
  if (round === 0) process.send?.('written');
}
