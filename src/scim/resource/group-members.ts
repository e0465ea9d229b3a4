import type { AttributeDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import { invalidValue } from '../errors';
import { findAttribute } from '../schemas/attribute';
import { groupSchema } from '../schemas/group';
import { describeType } from './coerce-value';
import { isPlainObject } from './json-value';
import { RESOURCE_LIMITS } from './limits';

const membersAttribute = findAttribute(groupSchema.attributes, 'members') as AttributeDefinition;

/**
 * Group membership never travels inside the resource object: a group can
 * have hundreds of thousands of members, so callers keep them in their own
 * table and receive only member ids from here.
 */
export function isMembersAttribute(
  resourceType: ResourceType,
  attribute: AttributeDefinition,
): boolean {
  return resourceType.name === 'Group' && attribute === membersAttribute;
}

/**
 * The user ids named by a `members` value (RFC 7643 §4.2), deduplicated in
 * the order given. null means no members; a lone member object is taken as
 * a one-element list.
 *
 * @throws ScimError 400 `invalidValue` naming the offending member.
 */
export function readMemberIds(value: unknown, path: string): string[] {
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const limit = RESOURCE_LIMITS.maxMemberIds;
  if (items.length > limit) {
    throw invalidValue(
      `"${path}" names ${items.length} members; at most ${limit} are allowed per request.`,
    );
  }

  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (item !== null) ids.add(readMemberId(item, `${path}[${index}]`));
  });

  return [...ids];
}

/**
 * One member reference `{value, type?, display?, $ref?}`. `display` is
 * read-only and `$ref` is derived from the id, so both are ignored (Entra
 * sends `"$ref": null`); only users can be members, since this service does
 * not model nested groups.
 */
function readMemberId(item: unknown, path: string): string {
  if (!isPlainObject(item)) {
    throw invalidValue(
      `"${path}" must be an object like {"value": "<user id>"}, not ${describeType(item)}.`,
    );
  }

  const given = new Map<string, unknown>();
  for (const [key, raw] of Object.entries(item)) {
    const subAttribute = findAttribute(membersAttribute.subAttributes ?? [], key);
    if (subAttribute === undefined) {
      throw invalidValue(`"${path}.${key}" is not a sub-attribute of "members".`);
    }
    if (given.has(subAttribute.name)) {
      throw invalidValue(`"${path}.${subAttribute.name}" is given more than once.`);
    }
    given.set(subAttribute.name, raw);
  }

  assertOptionalString(given.get('$ref'), `${path}.$ref`);
  const type = given.get('type');
  assertOptionalString(type, `${path}.type`);
  if (typeof type === 'string' && type.toLowerCase() !== 'user') {
    throw invalidValue(`"${path}.type" is "${type}"; only users can be group members.`);
  }

  const id = given.get('value');
  if (typeof id !== 'string' || id.trim() === '') {
    const found = typeof id === 'string' ? 'an empty string' : describeType(id ?? null);
    throw invalidValue(`"${path}.value" must be the id of a user, not ${found}.`);
  }

  return id;
}

function assertOptionalString(value: unknown, path: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalidValue(`"${path}" must be a string, not ${describeType(value)}.`);
  }
}
