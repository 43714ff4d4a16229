import { createChannelLimiters } from '../app/channel-limiters.ts';
import type { RateLimiter } from '../bots/outbound/rate-limiter.ts';
import { loadConfig } from '../config/load-config.ts';
import { SimulatedClock } from '../test/fakes/simulated-clock.ts';
import { percentile } from './statistics.ts';

/**
 * Tchap at the production pacing (MATRIX_REQUESTS_PER_SECOND 1, ANNOUNCE_MATRIX_PER_SECOND 1), on the
 * channel's real limiter driven by a simulated clock: a fan-out taking, for each recipient, the turns the
 * real code takes (the announcements' share then the send's own turn, as RecipientSender and the Matrix
 * outbox take them; opening a direct chat first when there is none: createRoom and m.direct, on the
 * announcements' lane too), and agents' questions arriving every 20 s, each answer taking the requests a
 * streamed Tchap answer makes (typing, the placeholder, two progress edits a second apart, the final edit).
 * Measured: how long the answers' requests wait for their turns, and how long the fan-out takes. The model
 * time is simulated, so the figures do not depend on the machine.
 */

export interface AnswerWaits {
  /** Extra time an answer took because of waiting for turns, per answer (ms, simulated). */
  idle: number[];
  duringFanout: number[];
  announcementsSent: number;
}

/**
 * A turn of one recipient's delivery: its share of the announcements' budget, its send, or another room
 * request of the announcements (opening a direct chat, keeping a room: bulk lane, not paced by the share).
 */
export type Turn = 'share' | 'send' | 'request';

const ANSWER_REQUESTS = [0, 0, 1_000, 1_000, 1_000]; // typing, placeholder, two progress edits, final edit (ms after the previous)
const QUESTION_EVERY_MS = 20_000;
const DURATION_MS = 600_000;

export interface FanoutRun {
  /** Answer waits (ms), sorted. */
  waits: number[];
  /** Recipients delivered. */
  sent: number;
  /** Simulated ms until the last recipient was delivered (fan-outs with a count). */
  finishedMs: number;
}

/**
 * One simulation: `recipients` deliveries (endless when undefined, for `durationMs`), each taking `turns`
 * in order, while questions arrive every 20 s.
 */
export async function simulateFanout(options: { recipients?: number; turns?: readonly Turn[]; durationMs?: number; questions?: boolean }): Promise<FanoutRun> {
  const clock = new SimulatedClock();
  const config = loadConfig({ env: { PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_DATA_DIR: '/nonexistent' } });
  const limiter: RateLimiter = createChannelLimiters(config, undefined, clock).matrix;
  const turns = options.turns ?? [];
  let sent = 0;
  let finishedMs = 0;
  let stop = false;
  const fanout = async (): Promise<void> => {
    for (let n = 0; !stop && (options.recipients === undefined || n < options.recipients); n++) {
      for (const turn of turns) {
        if (turn === 'share') await limiter.acquireShare({ conversation: `matrix:!dm-${n}:tchap.example` });
        else if (turn === 'send') await limiter.acquire({ lane: 'bulk' }); // the Matrix outbox: an announcement's send (callerRetries)
        else await limiter.acquire({ lane: 'bulk' }); // the Matrix outbox: createRoom, m.direct, invites… for announcements
      }
      sent++;
      finishedMs = clock.now();
    }
    stop = true;
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
  if (turns.length > 0) void fanout();
  const until = options.durationMs ?? Number.MAX_SAFE_INTEGER;
  const questions = async (): Promise<void> => {
    for (let index = 0; (index + 1) * QUESTION_EVERY_MS < until && !(options.recipients !== undefined && stop); index++) {
      await clock.sleep(QUESTION_EVERY_MS);
      void answer();
    }
  };
  if (options.questions !== false) void questions();
  await clock.run(until);
  stop = true;
  await clock.run(Math.min(Number.MAX_SAFE_INTEGER, clock.now() + 120_000));
  return { waits: waits.sort((a, b) => a - b), sent, finishedMs };
}

/** Waits of answers without, then with, an endless direct-chat fan-out (10 simulated minutes each). */
export async function answersDuringFanout(): Promise<AnswerWaits> {
  const idle = await simulateFanout({ durationMs: DURATION_MS });
  const busy = await simulateFanout({ turns: ['share', 'send'], durationMs: DURATION_MS });
  return { idle: idle.waits, duringFanout: busy.waits, announcementsSent: busy.sent };
}

/** p50 / p95 / max of sorted waits. */
export function summary(sorted: readonly number[]): { p50: number; p95: number; max: number } {
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 };
}
