import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import { unfilterableDetail } from '../filter/comparison';
import type { Collection, ElementScope, Location, Operand } from '../filter/sql-targets';
import type { FilterTarget } from '../filter/to-sql';
import type { AttributeDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import { resolveAttribute } from '../schemas/resolve';

/**
 * RFC 7644 §3.4.2.2: in a query over several resource types, "for filtered
 * attributes that are not part of a particular resource type, the service
 * provider SHALL treat the attribute as if there is no attribute value".
 * The target answers for its own attributes as usual; an attribute only
 * `others` have reads as absent (`pr` and `eq` false, `ne` true, sorted
 * as missing). A name no resource type has is still an invalidFilter.
 */
export function tolerantTarget(target: FilterTarget, others: ResourceType[]): FilterTarget {
  return {
    resourceType: target.resourceType,
    alias: target.alias,
    locate(path, fail) {
      if (resolveAttribute(target.resourceType, path) !== undefined)
        return target.locate(path, fail);
      for (const other of others) {
        const resolved = resolveAttribute(other, path);
        if (resolved === undefined) continue;
        const { attribute, subAttribute, canonical } = resolved;
        if (attribute.returned === 'never' || subAttribute?.returned === 'never') {
          throw fail(unfilterableDetail(canonical));
        }

        return absentLocation(canonical, attribute, subAttribute);
      }

      return target.locate(path, fail);
    },
  };
}

function absentLocation(
  name: string,
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | null,
): Location {
  const scope = absentScope(name);
  if (attribute.multiValued) {
    const collection: Collection = {
      name,
      attribute,
      // The predicate is still built, so a filter is refused alike whichever type lacks it.
      any: (predicate) => {
        predicate(scope);

        return sql<SqlBool>`false`;
      },
      none: () => sql<SqlBool>`true`,
      sortKey: (key) => key(scope),
    };

    return { kind: 'collection', collection, subAttribute };
  }
  if (attribute.type === 'complex' && subAttribute === null) {
    return {
      kind: 'object',
      name,
      attribute,
      present: sql<SqlBool>`false`,
      exists: sql<SqlBool>`false`,
      element: scope,
    };
  }

  const scalar = subAttribute ?? attribute;

  return { kind: 'scalar', operand: absentOperand(name, scalar) };
}

function absentScope(name: string): ElementScope {
  const base = name.includes('.') ? name.slice(0, name.indexOf('.')) : name;

  return { operand: (subAttribute) => absentOperand(`${base}.${subAttribute.name}`, subAttribute) };
}

function absentOperand(name: string, attribute: AttributeDefinition): Operand {
  return {
    name,
    attribute,
    value: typedNull(attribute),
    nullable: true,
    present: sql<SqlBool>`false`,
  };
}

/** NULL of the SQL type the present attribute has, so that a UNION of resource types lines up. */
function typedNull(attribute: AttributeDefinition): RawBuilder<unknown> {
  switch (attribute.type) {
    case 'boolean':
      return sql`null::boolean`;
    case 'integer':
    case 'decimal':
      return sql`null::numeric`;
    case 'dateTime':
      return sql`null::timestamptz`;
    case 'complex':
      return sql`null::jsonb`;
    default:
      return sql`null::text`;
  }
}
