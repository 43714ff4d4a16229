import { notice } from "../reply.js";
import * as say from "../user-messages.js";
/**
 * Per-user sliding window (in memory: one bot process owns each channel connection). The user is told once
 * per window, then further messages are dropped silently.
 */
export function rateLimit(perMinute, now = Date.now) {
    const windows = new Map();
    const warned = new Map();
    return {
        name: 'rate-limit',
        async handle(turn) {
            const key = `${turn.message.channel}:${turn.message.sender.id}`;
            const time = now();
            const recent = (windows.get(key) ?? []).filter((at) => time - at < 60_000);
            if (recent.length >= perMinute) {
                windows.set(key, recent);
                if ((warned.get(key) ?? 0) < time - 60_000) {
                    warned.set(key, time);
                    await turn.reply(notice(say.RATE_LIMITED));
                }
                return false;
            }
            recent.push(time);
            windows.set(key, recent);
            if (windows.size > 10_000)
                for (const [user, times] of windows)
                    if (times.every((at) => time - at >= 60_000))
                        windows.delete(user);
            return true;
        },
    };
}
