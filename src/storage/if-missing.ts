// "Not there" is an answer for a file lookup; a permission error or a broken disk is not, and
// must not read as an empty directory or a missing file.

/** A `.catch` handler: `fallback` when the path does not exist (ENOENT, ENOTDIR), else the error rethrown. */
export const ifMissing =
  <T>(fallback: T) =>
  (error: unknown): T => {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fallback;
    throw error;
  };
