import { createChannelLimiters } from '../app/channel-limiters.ts';
import type { RateLimiter } from '../bots/outbound/rate-limiter.ts';
import { loadConfig } from '../config/load-config.ts';
import { SimulatedClock } from '../test/fakes/simulated-clock.ts';
import { percentile } from './statistics.ts';

/**
 * Tchap answers while a direct-chat fan-out runs, at the production pacing (MATRIX_REQUESTS_PER_SECOND 1,
 * ANNOUNCE_MATRIX_PER_SECOND 1), on the channel's real limiter driven by a simulated clock: one announcement
 * send after another (the announcements' share, then the send's own turn, as RecipientSender and the Matrix
 * outbox take them), and agents' questions arriving every 20 s, each answer taking the requests a streamed
 * Tchap answer makes (typing, the placeholder, two progress edits a second apart, the final edit). Measured:
 * how long the answer's requests wait for their turns, without and with the fan-out. The model time is
 * simulated, so the figures do not depend on the machine.
 */

export interface AnswerWaits {
  /** Extra time an answer took because of waiting for turns, per answer (ms, simulated). */
  idle: number[];
  duringFanout: number[];
  announcementsSent: number;
}

const ANSWER_REQUESTS = [0, 0, 1_000, 1_000, 1_000]; // typing, placeholder, two progress edits, final edit (ms after the previous)
const QUESTION_EVERY_MS = 20_000;
const DURATION_MS = 600_000;

async function simulate(withFanout: boolean): Promise<{ waits: number[]; sent: number }> {
  const clock = new SimulatedClock();
  const config = loadConfig({ env: { PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_DATA_DIR: '/nonexistent' } });
  const limiter: RateLimiter = createChannelLimiters(config, undefined, clock).matrix;
  let sent = 0;
  let stop = false;
  const fanout = async (): Promise<void> => {
    for (let n = 0; !stop; n++) {
      const conversation = `matrix:!dm-${n}:tchap.example`;
      await limiter.acquireShare({ conversation });
      await limiter.acquire({ lane: 'bulk' }); // the Matrix outbox: an announcement's send (callerRetries)
      sent++;
    }
  };
  const waits: number[] = [];
  const answer = async (): Promise<void> => {
    const started = clock.now();
    let ideal = 0;
    for (const gap of ANSWER_REQUESTS) {
      if (gap > 0) await clock.sleep(gap);
      ideal += gap;
      await limiter.acquire(); // the Matrix outbox: every other room request of the account
    }
    waits.push(clock.now() - started - ideal);
  };
  if (withFanout) void fanout();
  const answers: Array<Promise<void>> = [];
  const questions = async (): Promise<void> => {
    for (let index = 0; (index + 1) * QUESTION_EVERY_MS < DURATION_MS; index++) {
      await clock.sleep(QUESTION_EVERY_MS);
      answers.push(answer());
    }
  };
  void questions();
  await clock.run(DURATION_MS);
  stop = true;
  await clock.run(DURATION_MS + 120_000);
  return { waits, sent };
}

/** Waits of answers without, then with, a fan-out (10 simulated minutes each). */
export async function answersDuringFanout(): Promise<AnswerWaits> {
  const idle = await simulate(false);
  const busy = await simulate(true);
  return { idle: idle.waits.sort((a, b) => a - b), duringFanout: busy.waits.sort((a, b) => a - b), announcementsSent: busy.sent };
}

/** p50 / p95 / max of sorted waits. */
export function summary(sorted: readonly number[]): { p50: number; p95: number; max: number } {
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 };
}
