import { createHash, randomBytes } from 'node:crypto';

/** Prefixes tell a leaked secret's kind at a glance (and to secret scanners). */
export type SecretKind = 'scim' | 'session' | 'agent';

const PREFIX: Record<SecretKind, string> = {
  scim: 'bwscim_',
  session: 'bwses_',
  agent: 'bwagt_',
};

/** A new bearer secret: 256 random bits, base64url. Shown once, never stored. */
export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of a secret. Lookups go by this hash, so the secret
 * itself is never compared byte by byte and a database leak yields no usable
 * token. The secrets carry 256 bits, so an unsalted SHA-256 is enough.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretKind(secret: string): SecretKind | undefined {
  for (const [kind, prefix] of Object.entries(PREFIX) as Array<[SecretKind, string]>) {
    if (secret.startsWith(prefix)) return kind;
  }

  return undefined;
}
