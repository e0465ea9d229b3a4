import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import type { ScimObject } from './scim-object';
import { invalidSyntax, invalidValue } from '../errors';
import { findAttribute } from '../schemas/attribute';
import { groupResourceType } from '../schemas/resource-types';
import { coerceAttribute, inSchemaOrder } from './coerce-attribute';
import { describeType } from './coerce-value';
import { isMembersAttribute, readMemberIds } from './group-members';
import { assertJsonBounds } from './json-guard';
import { isPlainObject, readKey } from './json-value';
import { locateKey } from './locate-key';

export type { ScimObject } from './scim-object';

export type NormalizeMode = 'create' | 'replace';

export interface NormalizedGroup {
  resource: ScimObject;
  /** Member user ids, deduplicated; undefined when the body has no `members` key. */
  members: string[] | undefined;
}

/**
 * Turns a client's User or Group body (POST, RFC 7644 §3.3; PUT, §3.5.1)
 * into the canonical stored shape:
 *
 * - `schemas`: the core URN, then each extension that holds data;
 * - attribute names spelt as the schema spells them (RFC 7643 §2.1);
 * - extension attributes nested under their URN, whether sent that way or as
 *   URN-qualified top-level keys (`<enterprise URN>:department`);
 * - values checked and canonicalised by type, multi-valued attributes as
 *   arrays with at most one primary value, unassigned values left out;
 * - read-only attributes (`id`, `meta`, `groups`, sub-attributes such as
 *   `manager.displayName`) ignored (RFC 7644 §3.3), and `password` checked
 *   but dropped: sign-in goes through SSO, so it is never stored or returned.
 *
 * Group `members` are not part of the result; use normalizeGroup to get them.
 * `mode` only changes the wording of errors: PUT replaces the resource with
 * the body, so both modes accept and require the same attributes.
 *
 * @throws ScimError 400 (`invalidSyntax` or `invalidValue`) naming the
 *   attribute for any problem with the body.
 */
export function normalizeResource(
  resourceType: ResourceType,
  input: unknown,
  mode: NormalizeMode,
): ScimObject {
  return normalizeBody(resourceType, input, describeMode(resourceType, mode)).resource;
}

/**
 * normalizeResource for a Group, with the member user ids returned apart
 * (RFC 7643 §4.2). `members: null` or `[]` gives an empty list; a body
 * without `members` gives undefined, so the caller decides what a PUT that
 * omits members means.
 */
export function normalizeGroup(input: unknown, mode: NormalizeMode): NormalizedGroup {
  return normalizeBody(groupResourceType, input, describeMode(groupResourceType, mode));
}

/**
 * Checks and canonicalises the state a PATCH leads to with the same rules
 * as a PUT body, so PATCH cannot store what PUT would refuse. `schemas` is
 * derived again from the data.
 */
export function normalizePatched(resourceType: ResourceType, resource: ScimObject): ScimObject {
  const body = { ...resource, schemas: [resourceType.schema.id] };
  const context = `the ${resourceType.name} this PATCH would leave`;

  return normalizeBody(resourceType, body, context).resource;
}

function normalizeBody(
  resourceType: ResourceType,
  input: unknown,
  context: string,
): NormalizedGroup {
  assertJsonBounds(input);
  if (!isPlainObject(input)) {
    throw invalidSyntax(`A ${resourceType.name} must be sent as a JSON object.`);
  }
  const foreignSchemas = readSchemas(resourceType, input);

  const values = new AttributeValues();
  let members: string[] | undefined;
  for (const [key, raw] of Object.entries(input)) {
    const located = locateKey(resourceType, key, foreignSchemas);
    if (located.kind === 'ignored') continue;
    if (located.kind === 'extension') {
      assignExtension(values, located.schema, raw);
      continue;
    }
    if (isMembersAttribute(resourceType, located.attribute)) {
      values.claim(null, located.attribute);
      members = readMemberIds(raw, located.attribute.name);
      continue;
    }
    values.assign(located.extension, located.attribute, raw);
  }

  const resource = values.toResource(resourceType);
  assertRequired(resourceType, resource, context);
  assertIndexable(resourceType, resource);

  return { resource, members };
}

/**
 * RFC 7643 §3: `schemas` is required and must name the resource's core
 * schema. Returns the other URIs the client declared that this service does
 * not know (such as Entra's `http://schemas.microsoft.com/.../ADSCIM/2.0/Group`),
 * whose data is ignored rather than refused.
 */
function readSchemas(resourceType: ResourceType, input: ScimObject): string[] {
  const schemas = readKey(input, 'schemas', `The ${resourceType.name}`);
  const coreUrn = resourceType.schema.id;
  if (!Array.isArray(schemas)) {
    throw invalidValue(`"schemas" is required and must be an array that includes "${coreUrn}".`);
  }
  schemas.forEach((schema, index) => {
    if (typeof schema !== 'string') {
      throw invalidValue(`"schemas[${index}]" must be a string, not ${describeType(schema)}.`);
    }
  });

  const declared = (schemas as string[]).map((schema) => schema.toLowerCase());
  if (!declared.includes(coreUrn.toLowerCase())) {
    throw invalidValue(`"schemas" must include "${coreUrn}".`);
  }
  const known = [resourceType.schema, ...resourceType.extensions].map((s) => s.id.toLowerCase());

  return declared.filter((schema) => !known.includes(schema));
}

/** An extension given as one object under its URN key (RFC 7643 §3.3). */
function assignExtension(values: AttributeValues, schema: SchemaDefinition, raw: unknown): void {
  if (raw === null) return;
  if (!isPlainObject(raw)) {
    throw invalidValue(`"${schema.id}" must be an object, not ${describeType(raw)}.`);
  }

  for (const [key, value] of Object.entries(raw)) {
    const attribute = findAttribute(schema.attributes, key);
    if (attribute === undefined) {
      throw invalidValue(
        `"${schema.id}:${key}" is not an attribute of the ${schema.name} extension.`,
      );
    }
    values.assign(schema, attribute, value);
  }
}

/** RFC 7643 §2.2 `required`: present, and for strings not blank. */
function assertRequired(resourceType: ResourceType, resource: ScimObject, context: string) {
  const schemas = [resourceType.schema, ...resourceType.extensions];
  for (const schema of schemas) {
    const holder = schema === resourceType.schema ? resource : resource[schema.id];
    for (const attribute of schema.attributes.filter((candidate) => candidate.required)) {
      const value = isPlainObject(holder) ? holder[attribute.name] : undefined;
      if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
        throw invalidValue(`"${attribute.name}" is required and must not be empty in ${context}.`);
      }
    }
  }
}

/**
 * The core attributes the database looks resources up by (userName,
 * externalId, a group's displayName) sit in btree indexes, whose entries
 * PostgreSQL caps at about 2.7 KB; real IdPs send under 300 characters.
 */
export const MAX_INDEXED_BYTES = 2_048;

function assertIndexable(resourceType: ResourceType, resource: ScimObject): void {
  const keys = resourceType === groupResourceType ? ['displayName', 'externalId'] : ['userName', 'externalId'];
  for (const name of keys) {
    const value = resource[name];
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_INDEXED_BYTES) {
      throw invalidValue(
        `"${name}" is ${Buffer.byteLength(value, 'utf8')} bytes long in UTF-8; at most ` +
          `${MAX_INDEXED_BYTES} bytes are accepted, as it is looked up by value.`,
      );
    }
  }
}

function describeMode(resourceType: ResourceType, mode: NormalizeMode): string {
  return `a ${resourceType.name} sent with ${mode === 'create' ? 'POST' : 'PUT'}`;
}

/**
 * Collects attribute values as they are found, refusing the same attribute
 * twice under different spellings (`userName` and `username`, or an
 * extension attribute both nested and URN-qualified).
 */
class AttributeValues {
  private readonly claimed = new Set<AttributeDefinition>();
  private readonly core = new Map<string, unknown>();
  private readonly extensions = new Map<SchemaDefinition, Map<string, unknown>>();

  claim(extension: SchemaDefinition | null, attribute: AttributeDefinition): void {
    if (this.claimed.has(attribute)) {
      const name = extension === null ? attribute.name : `${extension.id}:${attribute.name}`;
      throw invalidValue(`"${name}" is given more than once.`);
    }
    this.claimed.add(attribute);
  }

  assign(extension: SchemaDefinition | null, attribute: AttributeDefinition, raw: unknown): void {
    this.claim(extension, attribute);
    // RFC 7644 §3.3: clients may echo read-only values (Okta sends `groups`, Entra `meta`).
    if (attribute.mutability === 'readOnly') return;

    const path = extension === null ? attribute.name : `${extension.id}:${attribute.name}`;
    const value = coerceAttribute(attribute, raw, path);
    // Checked like any value, but write-only attributes (`password`) are never kept.
    if (value === undefined || attribute.mutability === 'writeOnly') return;

    if (extension === null) {
      this.core.set(attribute.name, value);
      return;
    }
    const target = this.extensions.get(extension) ?? new Map<string, unknown>();
    target.set(attribute.name, value);
    this.extensions.set(extension, target);
  }

  toResource(resourceType: ResourceType): ScimObject {
    const coreAttributes = [...resourceType.common, ...resourceType.schema.attributes];
    const core = inSchemaOrder(coreAttributes, this.core);
    const resource: ScimObject = { schemas: [resourceType.schema.id], ...core };
    for (const extension of resourceType.extensions) {
      const data = inSchemaOrder(extension.attributes, this.extensions.get(extension) ?? new Map());
      if (data === undefined) continue;
      resource[extension.id] = data;
      (resource.schemas as string[]).push(extension.id);
    }

    return resource;
  }
}
