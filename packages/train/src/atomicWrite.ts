// Atomic file replacement that leaves no garbage behind a crash. The bytes go to a temporary file in the
// target's folder, which is fsynced and renamed over the target (then the folder is fsynced). A process killed
// mid-write leaves its temporary file behind, so every write first removes the temporary files of writers
// that are gone: their names carry the writer's host and process id, and a process id that no longer runs on
// this host marks a leftover. A crash thus costs at most one partial file per folder until the next save.

import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** 8 hex digits naming this host, so a folder shared between machines is swept only of this host's files. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
/** `.<target name>.<pid>.<12 hex random>.<host tag>.tmp`; earlier versions wrote no host tag. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}(?:\.([0-9a-f]{8}))?\.tmp$/;

export function tempNameFor(target: string, pid = process.pid): string {
  return `.${basename(target)}.${pid}.${randomBytes(6).toString('hex')}.${HOST_TAG}.tmp`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * Removes the temporary files in `dir` left by writers on this host that no longer run. Returns how many it
 * removed. A file it cannot remove is left for a later sweep.
 */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // the write that follows reports a missing or unreadable folder
  }
  let removed = 0;
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const host = match[2];
    if ((host !== undefined && host !== HOST_TAG) || pid === process.pid || isRunning(pid)) continue;
    try {
      await rm(join(dir, name), { force: true });
      removed++;
    } catch {
      // another sweeper got there first, or no permission: not this write's concern
    }
  }
  return removed;
}

/** Writes the chunks to a temporary file next to `path`, fsyncs it, renames it to `path`, fsyncs the folder. */
export async function writeAtomically(path: string, chunks: () => Iterable<Uint8Array>): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  await removeStaleTempFiles(dir);
  const tmp = join(dir, tempNameFor(target));
  const file = await open(tmp, 'wx');
  try {
    try {
      for (const chunk of chunks()) {
        let done = 0;
        while (done < chunk.length) done += (await file.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncFolder(dir);
}

/** Makes the rename durable. Some platforms (Windows) cannot fsync a folder; the rename is still atomic there. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}
