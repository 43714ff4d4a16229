import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
/**
 * Private files of the Matrix channel (session, recovery key, crypto snapshot): written atomically (temporary
 * file, fsync, rename, directory fsync) with mode 0600 in a 0700 directory, so that a crash never leaves a
 * half-written file and no other local user can read the secrets.
 */
/** Creates the directory (0700) if needed and tightens its mode. */
export function ensurePrivateDir(dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
}
/** Replaces `path` with `data` atomically; the file is created with mode 0600. */
export function writePrivateFile(path, data) {
    const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(temporary, 'wx', 0o600);
    try {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        let offset = 0;
        while (offset < bytes.length)
            offset += writeSync(fd, bytes, offset, bytes.length - offset);
        fsyncSync(fd);
    }
    catch (error) {
        closeSync(fd);
        rmSync(temporary, { force: true });
        throw error;
    }
    closeSync(fd);
    renameSync(temporary, path);
    syncDirectory(dirname(path));
}
function syncDirectory(dir) {
    try {
        const fd = openSync(dir, 'r');
        try {
            fsyncSync(fd);
        }
        finally {
            closeSync(fd);
        }
    }
    catch {
        // some file systems refuse fsync on directories; the rename itself is still atomic
    }
}
