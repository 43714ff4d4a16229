import { Redis } from 'ioredis';

/** What `passerelle doctor` learns from Redis. */
export interface RedisFacts {
  version: string;
  /** `maxmemory-policy`: bull needs `noeviction` (an evicted key is a lost job). */
  evictionPolicy: string;
  /** Jobs waiting, per queue of the deployment's prefix (`<prefix>:<queue>:wait`). */
  waiting: Record<string, number>;
}

/**
 * Connects once (no retry), pings and reads the facts an operator needs; rejects with the driver's error
 * (ECONNREFUSED, NOAUTH, timeout…). Always disconnects.
 */
export async function probeRedis(url: string, prefix: string, queues: readonly string[], timeoutMs: number): Promise<RedisFacts> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // With no retry, connect() only says "Connection is closed": the socket's own error (ECONNREFUSED…) is the cause.
  let socketError: unknown;
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect().catch((error: unknown) => {
      throw socketError ?? error;
    });
    await client.ping();
    const info = await client.info('server');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'inconnue';
    const policy = await client.config('GET', 'maxmemory-policy').then((reply) => String((reply as string[])[1] ?? 'inconnue')).catch(() => 'inconnue');
    const waiting: Record<string, number> = {};
    for (const queue of queues) waiting[queue] = await client.llen(`${prefix}:${queue}:wait`);
    return { version, evictionPolicy: policy, waiting };
  } finally {
    client.disconnect();
  }
}
