import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; error: Error; retry: () => void }
  | { state: 'ready'; data: T; reload: () => void };

/** GETs a path and re-GETs when it changes; every page renders the three states it gives. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [result, setResult] = useState<{ path: string; data?: T; error?: Error } | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is how reload asks for the same path again.
  useEffect(() => {
    if (path === null) {
      return;
    }
    let live = true;
    setResult(null);
    api<T>(path).then(
      (data) => live && setResult({ path, data }),
      (error: unknown) =>
        live && setResult({ path, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  if (result === null || result.path !== path) {
    return { state: 'loading' };
  }
  if (result.error) {
    return { state: 'error', error: result.error, retry: reload };
  }
  return { state: 'ready', data: result.data as T, reload };
}
