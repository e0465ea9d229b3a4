import { useEffect, useRef } from 'react';
import { CopyField } from './copy-field';

interface TokenRevealProps {
  heading: string;
  token: string;
  scimBaseUrl: string;
  onDone: () => void;
}

/**
 * The one time a token is visible. Leaving the page while it is shown asks
 * first: closing the tab would lose the only copy.
 */
export function TokenReveal({ heading, token, scimBaseUrl, onDone }: TokenRevealProps) {
  const title = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    title.current?.focus();
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);

    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  return (
    <section className="reveal" aria-labelledby="token-reveal-title">
      <h2 id="token-reveal-title" ref={title} tabIndex={-1}>
        {heading}
      </h2>
      <p className="reveal-warning">
        <strong>Copy the token now: you will not see it again.</strong> Bulwark keeps only a hash of
        it. If it is lost, rotate it and give your identity provider the new one.
      </p>
      <CopyField label="SCIM base URL" value={scimBaseUrl} />
      <CopyField label="Bearer token" value={token} />
      <div className="button-row">
        <button type="button" className="button-primary" onClick={onDone}>
          I have stored the token
        </button>
      </div>
    </section>
  );
}
