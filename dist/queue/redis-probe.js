import { Redis } from 'ioredis';
/**
 * Connects once (no retry), pings and reads the facts an operator needs; rejects with the driver's error
 * (ECONNREFUSED, NOAUTH, timeout…). Always disconnects.
 */
export async function probeRedis(url, prefix, queues, timeoutMs) {
    const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    // With no retry, connect() only says "Connection is closed": the socket's own error (ECONNREFUSED…) is the cause.
    let socketError;
    client.on('error', (error) => (socketError ??= error));
    try {
        await client.connect().catch((error) => {
            throw socketError ?? error;
        });
        await client.ping();
        const info = await client.info('server');
        const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'inconnue';
        const policy = await client.config('GET', 'maxmemory-policy').then((reply) => String(reply[1] ?? 'inconnue')).catch(() => 'inconnue');
        const waiting = {};
        for (const queue of queues)
            waiting[queue] = await client.llen(`${prefix}:${queue}:wait`);
        return { version, evictionPolicy: policy, waiting };
    }
    finally {
        client.disconnect();
    }
}
