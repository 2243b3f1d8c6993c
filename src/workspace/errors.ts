/** Errors a user (or the agent) can act on; each names the path involved. */

export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
  constructor(
    message: string,
    readonly path: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export class NotFoundError extends WorkspaceError {
  override name = 'NotFoundError';
  constructor(path: string, cause?: unknown) {
    super(`"${path}" does not exist in the workspace`, path, cause);
  }
}

export class PermissionLostError extends WorkspaceError {
  override name = 'PermissionLostError';
  constructor(path: string, cause?: unknown) {
    super(`Access to the folder was revoked while working on "${path}". Reconnect the folder and try again.`, path, cause);
  }
}

export class ConflictError extends WorkspaceError {
  override name = 'ConflictError';
  constructor(path: string) {
    super(`"${path}" changed on disk since it was read; re-read it before writing`, path);
  }
}

export class QuotaError extends WorkspaceError {
  override name = 'QuotaError';
  constructor(path: string, cause?: unknown) {
    super(`Not enough storage to write "${path}": the browser's storage quota is full`, path, cause);
  }
}

/** Maps the DOMExceptions the File System Access API throws to our errors. */
export function translateFsError(err: unknown, path: string): unknown {
  if (err instanceof WorkspaceError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotFoundError':
      return new NotFoundError(path, err);
    case 'NotAllowedError':
    case 'SecurityError':
      return new PermissionLostError(path, err);
    case 'QuotaExceededError':
      return new QuotaError(path, err);
    case 'TypeMismatchError':
      return new WorkspaceError(`"${path}" is a folder where a file was expected, or the other way round`, path, err);
    case 'InvalidModificationError':
    case 'NoModificationAllowedError':
      return new WorkspaceError(`"${path}" is locked or cannot be modified right now`, path, err);
    default:
      return err;
  }
}
