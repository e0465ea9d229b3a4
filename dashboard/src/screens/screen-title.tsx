import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * A screen's h1. It takes the focus when the screen opens, so keyboard and
 * screen-reader users land at the top of what just appeared.
 */
export function ScreenTitle({ children, intro }: { children: ReactNode; intro?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <div className="screen-title">
      <h1 ref={heading} tabIndex={-1}>
        {children}
      </h1>
      {intro !== undefined && <p className="lead">{intro}</p>}
    </div>
  );
}
