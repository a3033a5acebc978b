/**
 * Starts work that goes on after the answer (an import, a rescoring): resolves with the id the
 * work reports through `onStart` as soon as it exists, rejects if it fails before that, and only
 * logs a failure that comes later — the work has marked itself failed by then, and the cause is
 * a bug worth a log line.
 */
export function startInBackground(
  what: string,
  run: (onStart: (id: number) => void) => Promise<unknown>,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let started = false;
    run((id) => {
      started = true;
      resolve(id);
    }).catch((error: unknown) => {
      if (started) {
        console.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        reject(error);
      }
    });
  });
}
