import { useState } from 'react';
import { tenantPath } from '../api/client';
import type { IssuedToken, TenantOverview } from '../api/types';
import { CopyField } from '../components/copy-field';
import { ErrorNotice } from '../components/error-notice';
import { Tabs } from '../components/tabs';
import { TimeText } from '../components/time-text';
import { TokenReveal } from '../components/token-reveal';
import { useDashboard, useTenant } from '../dashboard-context';
import { hrefFor } from '../routing';
import type { IdpGuide } from './idp-guides';
import { IDP_GUIDES } from './idp-guides';
import { ScreenTitle } from './screen-title';

/** Step 1 turns SCIM on and shows the token once; step 2 says where each IdP wants it. */
export function ConnectScreen() {
  const { api } = useDashboard();
  const { tenantId, overview, refreshOverview } = useTenant();
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [idp, setIdp] = useState(IDP_GUIDES[0]?.id ?? 'okta');

  async function enable() {
    setBusy(true);
    setError(undefined);
    try {
      setIssued(await api.send<IssuedToken>('POST', tenantPath(tenantId, '/scim')));
      refreshOverview();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const guide = IDP_GUIDES.find((candidate) => candidate.id === idp) ?? IDP_GUIDES[0];
  const baseUrl = issued?.scim_base_url ?? overview?.scim.scim_base_url ?? '';

  return (
    <>
      <ScreenTitle intro="Your identity provider pushes people and groups to Bulwark over SCIM 2.0. Three steps.">
        Connect your identity provider
      </ScreenTitle>

      <section className="card step" aria-labelledby="step-enable">
        <h2 id="step-enable">
          <span className="step-number">1</span> Turn on SCIM
        </h2>
        {issued !== null ? (
          <TokenReveal
            heading="SCIM is on. Here is your token"
            token={issued.token}
            scimBaseUrl={baseUrl}
            onDone={() => setIssued(null)}
          />
        ) : (
          <ScimState overview={overview} busy={busy} onEnable={enable} tenantId={tenantId} />
        )}
        <ErrorNotice error={error} action="turn on SCIM" />
      </section>

      <section className="card step" aria-labelledby="step-idp">
        <h2 id="step-idp">
          <span className="step-number">2</span> Set up your identity provider
        </h2>
        <Tabs
          label="Identity provider"
          tabs={IDP_GUIDES.map(({ id, name }) => ({ id, label: name }))}
          selected={idp}
          onSelect={setIdp}
        >
          {guide !== undefined && <GuidePanel guide={guide} baseUrl={baseUrl} />}
        </Tabs>
      </section>

      <section className="card step" aria-labelledby="step-map">
        <h2 id="step-map">
          <span className="step-number">3</span> Map groups to roles
        </h2>
        <p>
          {overview === undefined
            ? 'Once your identity provider has pushed groups, map them to Bulwark roles.'
            : `So far your identity provider has pushed ${overview.directory.users_active + overview.directory.users_inactive} users and ${overview.directory.groups} groups.`}{' '}
          People get the highest role of the mapped groups they are in.
        </p>
        <p>
          <a href={hrefFor(tenantId, 'mapping')}>Map groups to roles</a>
          {' · '}
          <a href={hrefFor(tenantId, 'directory')}>See users and groups</a>
        </p>
      </section>
    </>
  );
}

interface ScimStateProps {
  overview: TenantOverview | undefined;
  busy: boolean;
  onEnable: () => void;
  tenantId: string;
}

function ScimState({ overview, busy, onEnable, tenantId }: ScimStateProps) {
  if (overview === undefined) return <p aria-busy="true">Loading…</p>;
  const { scim } = overview;

  if (scim.status === 'enabled') {
    return (
      <>
        <p>
          <span className="badge badge-completed">On</span> SCIM is on for {overview.name}.{' '}
          {scim.last_used_at === null ? (
            'Your identity provider has not connected yet.'
          ) : (
            <>
              Your identity provider last connected <TimeText value={scim.last_used_at} />.
            </>
          )}
        </p>
        <CopyField label="SCIM base URL" value={scim.scim_base_url} />
        <p className="field-hint">
          The token was shown once, when it was issued. Lost it?{' '}
          <a href={hrefFor(tenantId, 'token')}>Rotate the token</a> to get a new one.
        </p>
      </>
    );
  }

  return (
    <>
      <p>
        {scim.status === 'disabled' ? (
          <>
            SCIM was turned off <TimeText value={scim.changed_at} /> and every token was revoked.
            Turning it on again issues a new token; the old ones never work again.
          </>
        ) : (
          'SCIM is off for this tenant. Turning it on issues the bearer token your identity provider will use.'
        )}
      </p>
      <div className="button-row">
        <button type="button" className="button-primary" onClick={onEnable} disabled={busy}>
          {busy
            ? 'Turning on…'
            : scim.status === 'disabled'
              ? 'Turn SCIM on again'
              : 'Turn on SCIM'}
        </button>
      </div>
    </>
  );
}

function GuidePanel({ guide, baseUrl }: { guide: IdpGuide; baseUrl: string }) {
  return (
    <div className="guide">
      <p>{guide.intro}</p>
      <ol className="guide-steps">
        {guide.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <h3>Fields {guide.name} asks for</h3>
      <div
        className="table-scroll"
        tabIndex={0}
        role="region"
        aria-label={`Fields ${guide.name} asks for`}
      >
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{guide.name} field</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {guide.fields.map((field) => (
              <tr key={field.label}>
                <th scope="row">{field.label}</th>
                <td>
                  {field.value.kind === 'base_url' && <code className="break">{baseUrl}</code>}
                  {field.value.kind === 'token' && (
                    <span>
                      The bearer token from step 1 (<code>bwscim_…</code>)
                    </span>
                  )}
                  {field.value.kind === 'text' && field.value.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="field-hint">
        <strong>Deprovisioning:</strong> {guide.deprovisions} Either way Bulwark ends the person’s
        sessions and agent tokens at once.
      </p>
    </div>
  );
}
