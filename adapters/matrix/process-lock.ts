import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { PasserelleError } from '../../bots/errors.ts';

/** Raised when another process (or another adapter in this process) holds the Matrix connection: CHANNEL_LOCKED. */
export class ConnectionLockedError extends PasserelleError {
  constructor(
    readonly lockFile: string,
    readonly ownerPid: number | undefined,
  ) {
    super('CHANNEL_LOCKED', { lockFile, owner: ownerPid ? ` (processus ${ownerPid})` : '' });
    this.name = 'ConnectionLockedError';
  }
}

interface LockContent {
  pid: number;
  host: string;
  token: string;
  since: string;
}

const heldHere = new Set<string>();

/**
 * An exclusive lock file (`O_CREAT|O_EXCL`, mode 0600) proving that this process owns the Matrix
 * connection of a data directory: one device, one sync loop, one crypto store. A lock left by a process that
 * no longer runs on this host (crash, `kill -9`) is taken over; a lock from another host is never stolen.
 */
export class ProcessLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {
    process.once('exit', this.onExit);
  }

  /** Takes the lock or throws ConnectionLockedError. */
  static acquire(path: string, options: { takeOverFromOtherHosts?: boolean } = {}): ProcessLock {
    if (heldHere.has(path)) throw new ConnectionLockedError(path, process.pid);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const content: LockContent = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify(content));
        } finally {
          closeSync(fd);
        }
        heldHere.add(path);
        return new ProcessLock(path, content.token);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readLock(path);
      const foreign = owner !== undefined && owner.host !== hostname();
      if (owner && ((foreign && !options.takeOverFromOtherHosts) || (!foreign && isAlive(owner.pid)))) throw new ConnectionLockedError(path, owner.pid);
      removeIfUnchanged(path, owner);
    }
    throw new ConnectionLockedError(path, readLock(path)?.pid);
  }

  /** Releases the lock (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    heldHere.delete(this.path);
    if (readLock(this.path)?.token === this.token) removeIfUnchanged(this.path, readLock(this.path));
  }
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') return parsed as LockContent;
  } catch {
    // unreadable or half-written: treated as stale below only if it stays so
  }
  return undefined;
}

function removeIfUnchanged(path: string, seen: LockContent | undefined): void {
  const now = readLock(path);
  if (now?.token !== seen?.token) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Whether the process `pid` of this machine still runs. Our own pid is stale (we would know we hold it): a
 * container restarted as PID 1. Also used for the announcement claims of replicas (app/announcements.ts).
 */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
