import assert from 'node:assert/strict';
import { createLogger, logContext, withLogContext } from '../../../bots/logger.ts';
import { currentCarrier, continueRequest, startRequest } from '../../../bots/tracing.ts';

describe('log context: the request id in every JSON line', () => {
  it('adds the context of the current request to each line, and nothing outside one', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    logger.info('before');
    await withLogContext({ requestId: 'abc123' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside', { kb: 'legal' });
    });
    logger.info('after');
    assert.deepEqual(lines.map((line) => [line.message, line.requestId]), [['before', undefined], ['inside', 'abc123'], ['after', undefined]]);
    assert.equal(lines[1]?.kb, 'legal');
  });

  it('a request gets a fresh id; a carried one is continued (the job of a request logs under its id)', async () => {
    let first = '';
    let carrier = {};
    await startRequest('test', {}, async () => {
      first = logContext().requestId ?? '';
      carrier = currentCarrier();
    });
    assert.match(first, /^[0-9a-f]{12}$/);
    assert.deepEqual(carrier, { requestId: first }, 'no traceparent without a tracer');
    const continued = await continueRequest(carrier, 'job', {}, async () => logContext().requestId);
    assert.equal(continued, first);
    const fresh = await continueRequest(undefined, 'job', {}, async () => logContext().requestId);
    assert.notEqual(fresh, first);
  });
});
