import { simulateFanout, summary, type Turn } from './answers-during-fanout.ts';

/**
 * 17,000 Tchap agents: one announcement by direct messages, against announcement rooms (issue 17.2), at
 * Tchap's pace (1 request per second for the account, announcements' share 1/s), on the channel's real
 * limiter and a simulated clock (bench/answers-during-fanout.ts), with agents' questions every 20 s
 * meanwhile. What each delivery costs in requests is what the code sends:
 *
 * - direct message, chat already open: the send (1 request);
 * - direct message, no chat yet: createRoom with the invite, m.direct account data, then the send (3);
 * - announcement room: one send per room, whatever its members;
 * - keeping the rooms: one createRoom per new room (its invitees in the request), then one invite or kick
 *   per change of the membership list.
 *
 * Not modelled: a homeserver's own limit on invites (Synapse `rc_invites.per_issuer`, 0.3/s by default),
 * which would pace the initial invitations of 17,000 agents whatever the bot does — a one-time cost.
 */

export const AGENTS = 17_000;
/** Services or directions of about 170 agents each. */
export const ROOMS = 100;

/** One way of delivering: requests per delivery, and simulated seconds to deliver all, without and with questions. */
export interface PaceRow {
  key: string;
  label: string;
  deliveries: number;
  requestsEach: number;
  quietSeconds: number;
  /** With a question every 20 s answered meanwhile. */
  busySeconds: number;
  /** Answers' wait for their turns meanwhile (ms, p95). */
  answersP95: number;
}

async function row(key: string, label: string, deliveries: number, turns: readonly Turn[]): Promise<PaceRow> {
  const quiet = await simulateFanout({ recipients: deliveries, turns, questions: false });
  const busy = await simulateFanout({ recipients: deliveries, turns });
  return { key, label, deliveries, requestsEach: turns.filter((turn) => turn !== 'share').length, quietSeconds: quiet.finishedMs / 1000, busySeconds: busy.finishedMs / 1000, answersP95: summary(busy.waits).p95 };
}

export async function announcementPace(): Promise<PaceRow[]> {
  return [
    await row('dm_open', `${AGENTS} agents by direct message, chats already open`, AGENTS, ['share', 'send']),
    await row('dm_new', `${AGENTS} agents by direct message, chats to open`, AGENTS, ['request', 'request', 'share', 'send']),
    await row('rooms', `${AGENTS} agents in ${ROOMS} announcement rooms`, ROOMS, ['share', 'send']),
    await row('rooms_setup', `Creating the ${ROOMS} rooms (once; invitees in createRoom)`, ROOMS, ['request']),
    await row('rooms_churn', `Keeping them after 1 % of the agents changed service (invite + kick)`, Math.round(AGENTS * 0.01) * 2, ['request']),
  ];
}
