import type { RawBuilder, SqlBool } from 'kysely';
import type { ErrorFactory } from './lexer';
import type { AttributeDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import { sql } from 'kysely';
import { unfilterableDetail } from './comparison';
import { excerpt } from './lexer';
import { resolveAttribute } from '../schemas/resolve';
import { groupResourceType, userResourceType } from '../schemas/resource-types';

/**
 * Where each SCIM attribute lives in the database (see src/db/schema.ts),
 * as SQL expressions the filter compiler and sort keys build on.
 *
 * Identifiers come only from this file: table and column names are
 * constants, the caller's table alias is checked against a strict pattern
 * and quoted by kysely, and jsonb keys (canonical attribute names from the
 * schemas) are bound as parameters like every filter value.
 */

/** One value of an attribute, as SQL sees it. */
export interface Operand {
  /** The canonical attribute path, for error details. */
  name: string;
  /** Decides the comparison rules: type and caseExact. */
  attribute: AttributeDefinition;
  /** The value, typed by attribute type: text, boolean, numeric or timestamptz. */
  value: RawBuilder<unknown>;
  /** Whether `value` can be NULL (absent); comparisons then guard with `is not null`. */
  nullable: boolean;
  /** RFC 7644 §3.4.2.2 `pr`: present, not null, not "", [] or {}; never NULL itself. */
  present: RawBuilder<SqlBool>;
}

/** One element of a multi-valued attribute, or the value of a single complex one. */
export interface ElementScope {
  /** The sub-attribute's value in this element; throws `fail` when it cannot be read. */
  operand(subAttribute: AttributeDefinition, fail: ErrorFactory): Operand;
}

/** The values of a multi-valued attribute, each an element. */
export interface Collection {
  name: string;
  attribute: AttributeDefinition;
  /** True when some element satisfies `predicate`. */
  any(predicate: (element: ElementScope) => RawBuilder<SqlBool>): RawBuilder<SqlBool>;
  /** True when there are no elements. */
  none(): RawBuilder<SqlBool>;
  /** The sort value of the primary element, else the first (RFC 7644 §3.4.2.3). */
  sortKey(key: (element: ElementScope) => RawBuilder<unknown>): RawBuilder<unknown>;
}

/** What an attribute path leads to. */
export type Location =
  | { kind: 'scalar'; operand: Operand }
  | { kind: 'collection'; collection: Collection; subAttribute: AttributeDefinition | null }
  | {
      kind: 'object';
      name: string;
      attribute: AttributeDefinition;
      present: RawBuilder<SqlBool>;
      /** True (never NULL) when the object exists, so a value filter has something to test. */
      exists: RawBuilder<SqlBool>;
      element: ElementScope;
    };

/** A resource table the filter compiler can target. */
export interface FilterTarget {
  readonly resourceType: ResourceType;
  /** The SQL name or alias of the resource table in the caller's query. */
  readonly alias: string;
  /** Resolves an attribute path; throws `fail` for unknown or unfilterable attributes. */
  locate(path: string, fail: ErrorFactory): Location;
}

interface ColumnSpec {
  column: string;
  nullable: boolean;
}

interface TargetSpec {
  resourceType: ResourceType;
  /** Core attributes stored in their own columns. */
  columns: Record<string, ColumnSpec>;
  /** The multi-valued attribute kept in group_members, and how to reach it. */
  membership: { attribute: string; build: (alias: string) => MembershipSpec };
  /** The jsonb column holding all other attributes, or null when the table has none. */
  resourceColumn: string | null;
}

interface MembershipSpec {
  /** FROM clause of the membership rows, joined to whatever the sub-attributes read. */
  from: RawBuilder<unknown>;
  /** Ties the rows to the outer resource row. */
  correlation: RawBuilder<SqlBool>;
  /** The column of each sub-attribute. */
  subAttributes: Record<string, RawBuilder<unknown>>;
}

/** Not the caller's to pick: these name our own subqueries. */
const RESERVED_ALIAS_PREFIX = 'scim_filter_';
const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

const TEXT_TYPES: ReadonlySet<string> = new Set(['string', 'reference', 'binary']);

/**
 * The Users table (`users`, or the alias the query gives it). Core columns:
 * id, external_id, user_name, active; meta from created_at, updated_at and
 * version; groups from group_members; everything else from `resource`.
 */
export function userFilterTarget(alias: string): FilterTarget {
  return createTarget(checkAlias(alias), {
    resourceType: userResourceType,
    columns: {
      id: { column: 'id', nullable: false },
      externalId: { column: 'external_id', nullable: true },
      userName: { column: 'user_name', nullable: false },
      active: { column: 'active', nullable: false },
    },
    membership: {
      attribute: 'groups',
      build: (outer) => ({
        from: sql`group_members as scim_filter_member
          inner join groups as scim_filter_group
            on scim_filter_group.id = scim_filter_member.group_id`,
        correlation: sql<SqlBool>`scim_filter_member.user_id = ${sql.ref(`${outer}.id`)}`,
        subAttributes: {
          value: sql`scim_filter_member.group_id`,
          display: sql`scim_filter_group.display_name`,
          // Memberships are only ever direct: groups do not nest here.
          type: sql`'direct'::text`,
        },
      }),
    },
    resourceColumn: 'resource',
  });
}

/**
 * The Groups table (`groups`, or its alias). Members are the live users in
 * group_members; a member's display is the user's displayName, or their
 * userName when there is none.
 */
export function groupFilterTarget(alias: string): FilterTarget {
  return createTarget(checkAlias(alias), {
    resourceType: groupResourceType,
    columns: {
      id: { column: 'id', nullable: false },
      externalId: { column: 'external_id', nullable: true },
      displayName: { column: 'display_name', nullable: false },
    },
    membership: {
      attribute: 'members',
      build: (outer) => ({
        // A SCIM-deleted user keeps its row for audit but is no longer a member anyone can see.
        from: sql`group_members as scim_filter_member
          inner join users as scim_filter_user
            on scim_filter_user.id = scim_filter_member.user_id
            and scim_filter_user.deleted_at is null`,
        correlation: sql<SqlBool>`scim_filter_member.group_id = ${sql.ref(`${outer}.id`)}`,
        subAttributes: {
          value: sql`scim_filter_member.user_id`,
          display: sql`coalesce(nullif(scim_filter_user.resource ->> 'displayName', ''),
            scim_filter_user.user_name)`,
          type: sql`'User'::text`,
        },
      }),
    },
    resourceColumn: null,
  });
}

function checkAlias(alias: string): string {
  if (!ALIAS.test(alias) || alias.toLowerCase().startsWith(RESERVED_ALIAS_PREFIX)) {
    throw new Error(`"${alias}" cannot be used as a filter target alias.`);
  }

  return alias;
}

function createTarget(alias: string, spec: TargetSpec): FilterTarget {
  const { resourceType } = spec;
  const column = (name: string) => sql.ref(`${alias}.${name}`);

  const locate = (path: string, fail: ErrorFactory): Location => {
    const resolved = resolveAttribute(resourceType, path);
    if (resolved === undefined) {
      throw fail(
        `Unknown attribute "${excerpt(path)}": the ${resourceType.name} resource has no such ` +
          `attribute (names may be prefixed with a schema URN, e.g. ` +
          `${resourceType.schema.id}:...).`,
      );
    }
    const { extension, attribute, subAttribute, canonical } = resolved;
    if (attribute.returned === 'never' || subAttribute?.returned === 'never') {
      throw fail(unfilterableDetail(canonical));
    }

    if (extension === null) {
      const columnSpec = spec.columns[attribute.name];
      if (columnSpec !== undefined) {
        const expression = column(columnSpec.column);

        return {
          kind: 'scalar',
          operand: columnOperand(canonical, attribute, expression, columnSpec.nullable),
        };
      }
      if (attribute.name === 'meta') {
        const meta = metaScope(resourceType, column);
        if (subAttribute !== null) {
          return { kind: 'scalar', operand: meta.operand(subAttribute, fail) };
        }

        return {
          kind: 'object',
          name: canonical,
          attribute,
          present: sql`true`,
          exists: sql`true`,
          element: meta,
        };
      }
      if (attribute.name === spec.membership.attribute) {
        const membership = membershipCollection(attribute, spec.membership.build(alias));

        return { kind: 'collection', collection: membership, subAttribute };
      }
    }

    if (spec.resourceColumn === null) {
      throw new Error(`No storage is mapped for ${resourceType.name} attribute "${canonical}".`);
    }
    // Extension attributes are nested under their schema URN (src/db/schema.ts).
    const resource = column(spec.resourceColumn);
    const parent = extension === null ? resource : sql`(${resource} -> ${extension.id}::text)`;
    const attributeName = extension === null ? attribute.name : `${extension.id}:${attribute.name}`;

    return jsonLocation(attributeName, attribute, subAttribute, parent, fail);
  };

  return { resourceType, alias, locate };
}

/** meta (RFC 7643 §3.1) is built from row columns rather than stored. */
function metaScope(
  resourceType: ResourceType,
  column: (name: string) => RawBuilder<unknown>,
): ElementScope {
  return {
    operand(subAttribute, fail) {
      const name = `meta.${subAttribute.name}`;
      switch (subAttribute.name) {
        case 'created':
          return columnOperand(name, subAttribute, column('created_at'), false);
        case 'lastModified':
          return columnOperand(name, subAttribute, column('updated_at'), false);
        case 'resourceType':
          return columnOperand(name, subAttribute, sql`${resourceType.name}::text`, false);
        case 'version':
          // The weak ETag the resource is served with (RFC 7644 §3.14).
          return columnOperand(
            name,
            subAttribute,
            sql`('W/"' || ${column('version')} || '"')`,
            false,
          );
        default:
          throw fail(
            `"${name}" cannot be used here: it is derived from the request URL rather than stored.`,
          );
      }
    },
  };
}

function columnOperand(
  name: string,
  attribute: AttributeDefinition,
  value: RawBuilder<unknown>,
  nullable: boolean,
): Operand {
  const nonEmpty = TEXT_TYPES.has(attribute.type)
    ? sql<SqlBool>`${value} <> ''`
    : sql<SqlBool>`true`;
  const present = nullable ? sql<SqlBool>`(${value} is not null and ${nonEmpty})` : nonEmpty;

  return { name, attribute, value, nullable, present };
}

/** An attribute stored in a jsonb document under `parent`. */
function jsonLocation(
  name: string,
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | null,
  parent: RawBuilder<unknown>,
  fail: ErrorFactory,
): Location {
  const json = sql`(${parent} -> ${attribute.name}::text)`;
  if (attribute.multiValued) {
    return { kind: 'collection', collection: jsonCollection(name, attribute, json), subAttribute };
  }
  if (attribute.type !== 'complex') {
    const text = sql`(${parent} ->> ${attribute.name}::text)`;

    return { kind: 'scalar', operand: jsonOperand(name, attribute, json, text, fail) };
  }

  const element = jsonElementScope(name, json);
  if (subAttribute !== null)
    return { kind: 'scalar', operand: element.operand(subAttribute, fail) };

  return {
    kind: 'object',
    name,
    attribute,
    present: jsonPresent(json),
    exists: sql<SqlBool>`coalesce(jsonb_typeof(${json}) = 'object', false)`,
    element,
  };
}

/** The sub-attributes of the jsonb object `parent`. */
function jsonElementScope(name: string, parent: RawBuilder<unknown>): ElementScope {
  return {
    operand: (subAttribute, fail) => {
      const key = subAttribute.name;
      const json = sql`(${parent} -> ${key}::text)`;
      const text = sql`(${parent} ->> ${key}::text)`;

      return jsonOperand(`${name}.${key}`, subAttribute, json, text, fail);
    },
  };
}

/**
 * A jsonb value (`json`, with `text` its string form) as an operand, cast to
 * the attribute's type only when it holds that JSON type, so odd stored data
 * never fails the query.
 */
function jsonOperand(
  name: string,
  attribute: AttributeDefinition,
  json: RawBuilder<unknown>,
  text: RawBuilder<unknown>,
  fail: ErrorFactory,
): Operand {
  const present = jsonPresent(json);
  switch (attribute.type) {
    case 'string':
    case 'reference':
    case 'binary':
      return { name, attribute, value: text, nullable: true, present };
    case 'boolean':
      return { name, attribute, value: typedJson(json, 'boolean'), nullable: true, present };
    case 'integer':
    case 'decimal':
      return { name, attribute, value: typedJson(json, 'number'), nullable: true, present };
    default:
      // No stored attribute has these types; a cast could fail on stored data and turn into a 500.
      throw fail(`"${name}" (${attribute.type}) cannot be used in filters or sorting.`);
  }
}

/** `json` as SQL boolean or numeric when it holds that JSON type, else NULL: never a cast error. */
function typedJson(json: RawBuilder<unknown>, type: 'boolean' | 'number'): RawBuilder<unknown> {
  return type === 'boolean'
    ? sql`(case when jsonb_typeof(${json}) = 'boolean' then (${json})::boolean end)`
    : sql`(case when jsonb_typeof(${json}) = 'number' then (${json})::numeric end)`;
}

/** Mirrors isPresentValue in comparison.ts. */
function jsonPresent(json: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${json} is not null
    and ${json} not in ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
}

/** A multi-valued attribute stored as a jsonb array; anything but an array counts as no values. */
function jsonCollection(
  name: string,
  attribute: AttributeDefinition,
  json: RawBuilder<unknown>,
): Collection {
  const elements = sql`jsonb_array_elements(
    case when jsonb_typeof(${json}) = 'array' then ${json} else '[]'::jsonb end)`;
  const element = sql.ref('scim_filter_element');
  // Elements of a multi-valued simple attribute are the values themselves.
  const scope: ElementScope =
    attribute.type === 'complex'
      ? jsonElementScope(name, element)
      : {
          operand: (_, fail) =>
            jsonOperand(name, attribute, element, sql`(${element} #>> '{}')`, fail),
        };

  return {
    name,
    attribute,
    any: (predicate) =>
      sql<SqlBool>`exists (select 1 from ${elements} as scim_filter_element
        where ${predicate(scope)})`,
    // CASE, unlike OR, guarantees jsonb_array_length never sees a non-array.
    none: () => sql<SqlBool>`(case when jsonb_typeof(${json}) = 'array'
      then jsonb_array_length(${json}) = 0 else true end)`,
    sortKey: (key) => sql`(select ${key(scope)}
      from ${elements} with ordinality
        as scim_filter_sort(scim_filter_element, scim_filter_position)
      order by (scim_filter_element -> 'primary') = 'true'::jsonb desc nulls last,
        scim_filter_position
      limit 1)`,
  };
}

/** A multi-valued attribute kept as rows of group_members. */
function membershipCollection(attribute: AttributeDefinition, spec: MembershipSpec): Collection {
  const scope: ElementScope = {
    operand(subAttribute, fail) {
      const name = `${attribute.name}.${subAttribute.name}`;
      const value = spec.subAttributes[subAttribute.name];
      if (value === undefined) {
        throw fail(
          `"${name}" cannot be used here: it is derived from the request URL rather than stored.`,
        );
      }

      return columnOperand(name, subAttribute, value, false);
    },
  };

  return {
    name: attribute.name,
    attribute,
    any: (predicate) =>
      sql<SqlBool>`exists (select 1 from ${spec.from}
        where ${spec.correlation} and ${predicate(scope)})`,
    none: () => sql<SqlBool>`not exists (select 1 from ${spec.from} where ${spec.correlation})`,
    // Memberships have no order or primary flag, so "first" is the smallest value.
    sortKey: (key) => sql`(select min(${key(scope)}) from ${spec.from} where ${spec.correlation})`,
  };
}
