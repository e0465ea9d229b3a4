/**
 * The filter syntax tree of RFC 7644 §3.4.2.2 (and the PATCH path grammar of
 * §3.5.2, which reuses it). Attribute paths are kept as written; they are
 * resolved against a resource type's schemas by the consumers
 * (SQL compilation, in-memory evaluation), which report unknown attributes.
 */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A compValue: JSON `false`, `null`, `true`, a number or a string. */
export type CompareValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'compare'; path: string; op: CompareOperator; value: CompareValue }
  | { kind: 'present'; path: string }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  /** `emails[type eq "work"]`: the inner filter's paths are sub-attributes of `path`. */
  | { kind: 'valuePath'; path: string; filter: FilterNode };

/**
 * A PATCH `path` (RFC 7644 §3.5.2):
 * `attrPath` | `valuePath [ "." subAttr ]`, where attrPath may be URN-qualified.
 */
export interface PatchPath {
  /** The attribute, possibly URN-qualified and possibly dotted (`name.givenName`). */
  attributePath: string;
  /** The value filter in brackets, relative to the multi-valued attribute. */
  valueFilter: FilterNode | null;
  /** The sub-attribute after the brackets (`emails[type eq "work"].value` → `value`). */
  subAttribute: string | null;
}
