import { monotonicFactory } from 'ulid';

/** Prefixes of resource ids; the rest is a ULID, so ids sort by creation time. */
export type IdPrefix = 'ten' | 'usr' | 'grp' | 'ses' | 'agt' | 'stk' | 'evt' | 'sev';

const nextUlid = monotonicFactory();

/** Opaque, prefixed, sortable: `usr_01JD…`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

const ID_PATTERN = /^[a-z]{3}_[0-9a-hjkmnp-tv-z]{26}$/;

export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && ID_PATTERN.test(value);
}
