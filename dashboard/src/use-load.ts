import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; the current data stays on screen until the answer arrives. */
  reload: () => void;
}

/**
 * Runs `load` now and whenever `deps` change. An answer that arrives after a
 * newer request started is dropped, so a quick succession of filters never
 * shows the results of an older one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // The caller names what `load` reads, as with useEffect.
  const run = useCallback(load, deps);

  useEffect(() => {
    const request = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    run().then(
      (data) => {
        if (request === latest.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (request === latest.current)
          setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
  }, [run, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  return { ...state, reload };
}
