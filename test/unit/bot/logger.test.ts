import assert from 'node:assert/strict';
import { createLogger, LOG_LIMITS } from '../../../bots/logger.ts';

/** Log fields often come from requests: no shape or size may overflow the stack or make a huge line. */
describe('logger: bounded JSON lines', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger('debug', (line) => lines.push(line)) };
  };

  it('a value nested 10,000 levels deep is summarised, not a stack overflow', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const { lines, logger } = capture();
    logger.warn('refused', { serviceUrl: deep, list: [[[[[[[[[[['x']]]]]]]]]]] });
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(entry.message, 'refused');
    assert.match(lines[0]!, /\[object\]/);
    assert.ok(Buffer.byteLength(lines[0]!) <= LOG_LIMITS.lineBytes);
  });

  it('cuts long strings, long lists and many keys, keeps their start and says how much was cut', () => {
    const { lines, logger } = capture();
    const keys = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    logger.info('x'.repeat(50_000), { url: `http://attacker.example/${'a'.repeat(300_000)}`, items: Array.from({ length: 10_000 }, (_, i) => i), keys });
    const line = lines[0]!;
    assert.ok(Buffer.byteLength(line) <= LOG_LIMITS.lineBytes, `${Buffer.byteLength(line)} bytes`);
    const entry = JSON.parse(line) as { message: string; url: string; items: unknown[]; keys: Record<string, unknown> };
    assert.match(entry.url, /^http:\/\/attacker\.example\/a+…\[\+\d+ chars\]$/);
    assert.equal(entry.items.length, LOG_LIMITS.entries + 1);
    assert.equal(entry.keys['…'], `+${500 - LOG_LIMITS.entries} keys`);
    assert.match(entry.message, /…\[\+49000 chars\]$/);
  });

  it('a line still too long keeps its message and names its fields', () => {
    const { lines, logger } = capture();
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'é'.repeat(1_000)]));
    logger.error('trop large', wide);
    const entry = JSON.parse(lines[0]!) as { message: string; truncated: string; fields: string[] };
    assert.ok(Buffer.byteLength(lines[0]!) <= LOG_LIMITS.lineBytes);
    assert.equal(entry.message, 'trop large');
    assert.match(entry.truncated, /fields dropped/);
    assert.equal(entry.fields.length, 40);
  });

  it('cycles, errors with causes, dates, bigints and URLs stay readable', () => {
    const { lines, logger } = capture();
    const cyclic: Record<string, unknown> = { name: 'boucle' };
    cyclic.self = cyclic;
    const error = new Error('échec', { cause: new Error('ECONNRESET') });
    logger.error('mixed', { cyclic, error, at: new Date(0), big: 10n, url: new URL('https://example.org/a') });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(entry.cyclic, { name: 'boucle', self: '[cycle]' });
    assert.deepEqual(entry.error, { name: 'Error', message: 'échec', cause: 'ECONNRESET' });
    assert.equal(entry.at, '1970-01-01T00:00:00.000Z');
    assert.equal(entry.big, '10');
    assert.equal(entry.url, 'https://example.org/a');
  });
});
