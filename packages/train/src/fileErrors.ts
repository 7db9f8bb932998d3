// File-system errors of saving and loading, as SafetensorsErrors that name the file the user gave (not the
// temporary file beside it) and say in words what the code means. The code stays on the error (`code`) and
// Node's error is its `cause`.

import { SafetensorsError } from './safetensors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'the path is a folder',
  EEXIST: 'a file of that name is in the way',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** A SafetensorsError for a failed file operation, or `err` itself when it is not one (no `code`). */
export function fileError(where: string, what: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return err;
  const reason = REASONS[code] ?? (err as Error).message;
  const out = new SafetensorsError(`${where}: ${what}: ${reason} (${code})`, { cause: err });
  (out as SafetensorsError & { code?: string }).code = code;
  return out;
}
