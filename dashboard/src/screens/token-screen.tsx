import { useState } from 'react';
import { tenantPath } from '../api/client';
import type { IssuedToken, ScimToken } from '../api/types';
import { TokenStatusBadge } from '../components/badges';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNotice } from '../components/error-notice';
import { TimeText } from '../components/time-text';
import { TokenReveal } from '../components/token-reveal';
import { useDashboard, useTenant } from '../dashboard-context';
import { hrefFor } from '../routing';
import { useLoad } from '../use-load';
import { ScreenTitle } from './screen-title';

/** How long the old token keeps working after a rotation; the API allows at most a day. */
const OVERLAPS = [
  { seconds: 0, label: 'At once', hint: 'Your identity provider gets the new token now.' },
  { seconds: 300, label: 'After 5 minutes', hint: 'Time to paste the new token.' },
  { seconds: 3600, label: 'After 1 hour', hint: 'For a change window.' },
  { seconds: 86_400, label: 'After 1 day', hint: 'The longest overlap allowed.' },
] as const;

type Pending =
  | { kind: 'rotate'; overlapSeconds: number }
  | { kind: 'revoke'; token: ScimToken }
  | { kind: 'disable' };

export function TokenScreen() {
  const { api } = useDashboard();
  const { tenantId, overview, refreshOverview } = useTenant();
  const tokens = useLoad(
    () => api.get<{ items: ScimToken[] }>(tenantPath(tenantId, '/scim/tokens')),
    [api, tenantId],
  );
  const [overlap, setOverlap] = useState<number>(0);
  const [pending, setPending] = useState<Pending | null>(null);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const status = overview?.scim.status;
  const overlapLabel = OVERLAPS.find((choice) => choice.seconds === overlap)?.label ?? '';

  async function rotate(overlapSeconds: number) {
    const token = await api.send<IssuedToken>('POST', tenantPath(tenantId, '/scim/tokens'), {
      overlap_seconds: overlapSeconds,
    });
    setIssued(token);
    setNotice(null);
    tokens.reload();
    refreshOverview();
  }

  async function revoke(token: ScimToken) {
    await api.send('DELETE', tenantPath(tenantId, `/scim/tokens/${encodeURIComponent(token.id)}`));
    setNotice(`Token ${token.id} is revoked; your identity provider can no longer use it.`);
    tokens.reload();
    refreshOverview();
  }

  async function disable() {
    const result = await api.send<{ tokens_revoked: number }>(
      'POST',
      tenantPath(tenantId, '/scim:disable'),
    );
    setIssued(null);
    setNotice(`SCIM is off. ${result.tokens_revoked} token(s) revoked.`);
    tokens.reload();
    refreshOverview();
  }

  return (
    <>
      <ScreenTitle intro="The bearer token your identity provider sends with every SCIM request.">
        SCIM token
      </ScreenTitle>

      {notice !== null && (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      )}
      {issued !== null && (
        <TokenReveal
          heading="New token issued"
          token={issued.token}
          scimBaseUrl={overview?.scim.scim_base_url ?? ''}
          onDone={() => setIssued(null)}
        />
      )}

      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        <ErrorNotice error={tokens.error} action="list the tokens" onRetry={tokens.reload} />
        {tokens.data !== undefined && tokens.data.items.length === 0 && (
          <p className="empty">
            No token yet. <a href={hrefFor(tenantId, 'connect')}>Turn on SCIM</a> to issue one.
          </p>
        )}
        {tokens.data !== undefined && tokens.data.items.length > 0 && (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="tokens-title">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Stops</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((token) => (
                  <tr key={token.id}>
                    <th scope="row">
                      <code>{token.id}</code>
                    </th>
                    <td>
                      <TokenStatusBadge status={token.status} />
                    </td>
                    <td>
                      <TimeText value={token.created_at} />
                    </td>
                    <td>
                      <TimeText value={token.last_used_at} empty="never" />
                    </td>
                    <td>
                      {token.revoked_at !== null ? (
                        <>
                          revoked <TimeText value={token.revoked_at} />
                        </>
                      ) : (
                        <TimeText value={token.expires_at} empty="not scheduled" />
                      )}
                    </td>
                    <td>
                      {(token.status === 'active' || token.status === 'expiring') && (
                        <button
                          type="button"
                          className="button-small"
                          aria-label={`Revoke token ${token.id}`}
                          onClick={() => setPending({ kind: 'revoke', token })}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="rotate-title">
        <h2 id="rotate-title">Rotate the token</h2>
        {status !== 'enabled' ? (
          <p>
            SCIM is not on. <a href={hrefFor(tenantId, 'connect')}>Turn it on</a> to get a token.
          </p>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setPending({ kind: 'rotate', overlapSeconds: overlap });
            }}
          >
            <fieldset className="choice-group">
              <legend>When should the current token stop working?</legend>
              {OVERLAPS.map((choice) => (
                <label key={choice.seconds} className="choice">
                  <input
                    type="radio"
                    name="overlap"
                    value={choice.seconds}
                    checked={overlap === choice.seconds}
                    onChange={() => setOverlap(choice.seconds)}
                  />
                  <span>
                    {choice.label}
                    <span className="choice-hint">{choice.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div className="button-row">
              <button type="submit" className="button-primary">
                Rotate token…
              </button>
            </div>
          </form>
        )}
      </section>

      {status === 'enabled' && (
        <section className="card danger-zone" aria-labelledby="disable-title">
          <h2 id="disable-title">Turn off SCIM</h2>
          <p>
            Your identity provider’s requests are refused from then on and every token is revoked.
            Users and groups stay as they are. Turning SCIM on again issues a new token.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button-danger"
              onClick={() => setPending({ kind: 'disable' })}
            >
              Turn off SCIM…
            </button>
          </div>
        </section>
      )}

      {pending?.kind === 'rotate' && (
        <ConfirmDialog
          title="Rotate the SCIM token?"
          confirmLabel="Rotate token"
          tone={pending.overlapSeconds === 0 ? 'danger' : 'normal'}
          action="rotate the token"
          onConfirm={() => rotate(pending.overlapSeconds)}
          onClose={() => setPending(null)}
        >
          {pending.overlapSeconds === 0 ? (
            <p>
              The current token stops working <strong>at once</strong>. Your identity provider’s
              sync fails until you paste the new token into it.
            </p>
          ) : (
            <p>
              The current token keeps working and stops{' '}
              <strong>{overlapLabel.toLowerCase()}</strong>. Paste the new token into your identity
              provider before then.
            </p>
          )}
        </ConfirmDialog>
      )}
      {pending?.kind === 'revoke' && (
        <ConfirmDialog
          title="Revoke this token?"
          confirmLabel="Revoke token"
          action="revoke the token"
          onConfirm={() => revoke(pending.token)}
          onClose={() => setPending(null)}
        >
          <p>
            <code>{pending.token.id}</code> is refused from its next use. If your identity provider
            still sends it, its sync fails until it gets a live token.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'disable' && (
        <ConfirmDialog
          title="Turn off SCIM?"
          confirmLabel="Turn off SCIM"
          action="turn off SCIM"
          onConfirm={disable}
          onClose={() => setPending(null)}
        >
          <p>
            Every SCIM request from your identity provider will be refused and every token revoked.
            People it deactivates meanwhile are not deprovisioned until it can reach Bulwark again.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
