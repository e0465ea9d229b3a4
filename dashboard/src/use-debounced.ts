import { useEffect, useState } from 'react';

/** `value`, once it has stopped changing for `ms`: a search box asks the API once per pause. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);

    return () => window.clearTimeout(timer);
  }, [value, ms]);

  return settled;
}
