import { MatrixScheduler, type MatrixEvent } from 'matrix-js-sdk';

/**
 * matrix-js-sdk sends room messages (and events related to them) one at a time through named queues; its
 * default puts every room in one queue, and when a send is given up it rejects everything queued behind it —
 * in every room: one unreachable room failed the answers and announcements of all the others. Here each
 * room has its own queue: messages keep their order within a room, and a send given up fails only the sends
 * queued in that room (the outbox then retries them under the one retry policy).
 */
export function queueOfEvent(event: MatrixEvent): string | null {
  const queue = MatrixScheduler.QUEUE_MESSAGES(event);
  return queue === null ? null : `${queue}:${event.getRoomId() ?? ''}`;
}

/** The client's scheduler: the SDK's retry algorithm, one queue per room (see the module comment). */
export function perRoomScheduler(): MatrixScheduler {
  return new MatrixScheduler(MatrixScheduler.RETRY_BACKOFF_RATELIMIT, queueOfEvent);
}
