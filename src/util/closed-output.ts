/**
 * `socready checks list --json | head`: the reader may close the pipe before socready has written everything.
 * Node then emits EPIPE as an 'error' event that, unhandled, ends the process with a stack trace and exit code 1
 * (which the README reserves for a failed gate). A closed output is not an error of socready: further writes to it
 * are dropped, the command finishes, and the process exits with the code the command itself decided.
 */
export function dropWritesOnceClosed(stream: NodeJS.WriteStream): void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || closed) {
      closed = true;
      return;
    }
    // Any other output failure (a full disk behind a redirection) is a real error: keep Node's default.
    throw e;
  });
}
