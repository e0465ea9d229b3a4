/**
 * Attribute definitions in the shape of RFC 7643 §7 (the /Schemas resource).
 *
 * These drive filter validation, PATCH path resolution, `attributes` /
 * `excludedAttributes` projection and the discovery documents, so that what
 * the server advertises is exactly what it does.
 */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function define(
  name: string,
  type: AttributeType,
  description: string,
  options: Options = {},
): AttributeDefinition {
  return {
    name,
    type,
    description,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

export const str = (name: string, description: string, options?: Options) =>
  define(name, 'string', description, options);
export const bool = (name: string, description: string, options?: Options) =>
  define(name, 'boolean', description, options);
export const dateTime = (name: string, description: string, options?: Options) =>
  define(name, 'dateTime', description, options);
export const ref = (name: string, description: string, referenceTypes: string[], options?: Options) =>
  define(name, 'reference', description, { referenceTypes, ...options });
export const complex = (
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  options?: Options,
) => define(name, 'complex', description, { subAttributes, ...options });

/**
 * The sub-attributes RFC 7643 §2.4 gives every multi-valued attribute, with
 * `value` typed as the caller needs.
 */
export function multiValuedSubAttributes(
  valueType: AttributeType,
  canonicalTypes: string[],
  valueOptions: Options = {},
): AttributeDefinition[] {
  return [
    define('value', valueType, 'The attribute value.', valueOptions),
    str('display', 'A human-readable name, primarily used for display purposes.'),
    str('type', "A label indicating the attribute's function.", {
      canonicalValues: canonicalTypes,
    }),
    bool('primary', 'Whether this value is the preferred one; at most one value is primary.'),
  ];
}

/** Finds an attribute by name, case-insensitively as RFC 7643 §2.1 requires. */
export function findAttribute(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  const wanted = name.toLowerCase();

  return attributes.find((attribute) => attribute.name.toLowerCase() === wanted);
}
