import { createChannelLimiters } from '../app/channel-limiters.ts';
import type { Clock, RateLimiter } from '../bots/outbound/rate-limiter.ts';
import { loadConfig } from '../config/load-config.ts';
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

/** Discrete-event clock: sleepers wake in time order once every runnable task has settled. */
class SimulatedClock implements Clock {
  private time = 0;
  private readonly sleepers: Array<{ at: number; wake: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake: resolve });
      this.sleepers.sort((a, b) => a.at - b.at);
    });
  }
  /** Runs until `until` (simulated ms) or until nothing sleeps any more. */
  async run(until: number): Promise<void> {
    for (;;) {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      const next = this.sleepers.shift();
      if (!next || next.at > until) return;
      this.time = next.at;
      next.wake();
    }
  }
}

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
      await limiter.acquire({ conversation });
      sent++;
    }
  };
  const waits: number[] = [];
  const answer = async (index: number): Promise<void> => {
    const conversation = `matrix:!agent-${index}:tchap.example`;
    const started = clock.now();
    let ideal = 0;
    for (const gap of ANSWER_REQUESTS) {
      if (gap > 0) await clock.sleep(gap);
      ideal += gap;
      await limiter.acquire({ conversation });
    }
    waits.push(clock.now() - started - ideal);
  };
  if (withFanout) void fanout();
  const answers: Array<Promise<void>> = [];
  const questions = async (): Promise<void> => {
    for (let index = 0; (index + 1) * QUESTION_EVERY_MS < DURATION_MS; index++) {
      await clock.sleep(QUESTION_EVERY_MS);
      answers.push(answer(index));
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
