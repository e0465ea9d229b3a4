import type { ResourceType } from './schemas/resource-types';
import { resolveAttribute } from './schemas/resolve';
import { invalidValue } from './errors';

/** RFC 7644 §3.4.2.5: `attributes` or `excludedAttributes`, resolved to canonical paths. */
export interface Projection {
  attributes: string[] | null;
  excluded: string[];
}

const NONE: Projection = { attributes: null, excluded: [] };

function readList(resourceType: ResourceType, name: string, raw: unknown): string[] | null {
  if (raw === undefined || raw === '') return null;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  if (typeof text !== 'string') throw invalidValue(`"${name}" must be a comma-separated list.`);

  return text
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '')
    .map((path) => {
      const resolved = resolveAttribute(resourceType, path);
      if (resolved === undefined) {
        throw invalidValue(`"${name}" names "${path}", which is not an attribute of ${resourceType.name}.`);
      }

      return resolved.canonical;
    });
}

export function readProjection(resourceType: ResourceType, source: Record<string, unknown>): Projection {
  const attributes = readList(resourceType, 'attributes', source.attributes);
  const excluded = readList(resourceType, 'excludedAttributes', source.excludedAttributes) ?? [];
  if (attributes === null && excluded.length === 0) return NONE;

  return { attributes, excluded };
}

/** Whether a top-level attribute (canonical name) is wanted, so callers can skip loading it. */
export function wantsAttribute(projection: Projection, name: string): boolean {
  if (projection.excluded.includes(name)) return false;
  if (projection.attributes === null) return true;

  return projection.attributes.some((path) => path === name || path.startsWith(`${name}.`));
}

const ALWAYS = new Set(['schemas', 'id']);

/** Applies a projection to a full representation; `id` and `schemas` are always returned. */
export function project(resource: Record<string, unknown>, projection: Projection): Record<string, unknown> {
  if (projection.attributes === null && projection.excluded.length === 0) return resource;

  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS.has(key)) {
      result[key] = value;
      continue;
    }
    if (key.startsWith('urn:') && typeof value === 'object' && value !== null) {
      const inner = projectExtension(key, value as Record<string, unknown>, projection);
      if (inner !== undefined) result[key] = inner;
      continue;
    }
    const picked = pick(key, value, projection);
    if (picked !== undefined) result[key] = picked;
  }

  return result;
}

function pick(path: string, value: unknown, projection: Projection): unknown {
  if (projection.excluded.includes(path)) return undefined;
  if (projection.attributes === null || projection.attributes.includes(path)) return value;

  const subPaths = projection.attributes.filter((wanted) => wanted.startsWith(`${path}.`));
  if (subPaths.length === 0 || typeof value !== 'object' || value === null) return undefined;
  const keep = subPaths.map((wanted) => wanted.slice(path.length + 1));
  const narrow = (item: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(item).filter(([key]) => keep.includes(key)));

  return Array.isArray(value) ? value.map((item) => narrow(item as Record<string, unknown>)) : narrow(value as Record<string, unknown>);
}

function projectExtension(
  urn: string,
  value: Record<string, unknown>,
  projection: Projection,
): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const picked = pick(`${urn}:${key}`, inner, projection);
    if (picked !== undefined) result[key] = picked;
  }

  return Object.keys(result).length === 0 ? undefined : result;
}
