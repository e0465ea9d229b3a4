import type { CompareValue, FilterNode } from '../filter/ast';
import type { AttributeDefinition } from '../schemas/attribute';
import { invalidFilter } from '../errors';
import { checkComparison, nullComparisonDetail } from '../filter/comparison';
import { findAttribute } from '../schemas/attribute';

/**
 * Checks that every attribute a PATCH value filter names is a sub-attribute
 * of the multi-valued attribute it selects from, and that each comparison
 * suits its sub-attribute's type. Done up front so that a bad filter is
 * refused even when the attribute has no values to evaluate it against.
 *
 * @throws ScimError 400 `invalidFilter`.
 */
export function assertFilterFits(filter: FilterNode, attribute: AttributeDefinition): void {
  const pending: FilterNode[] = [filter];
  while (pending.length > 0) {
    const node = pending.pop() as FilterNode;
    switch (node.kind) {
      case 'and':
      case 'or':
        pending.push(node.left, node.right);
        break;
      case 'not':
        pending.push(node.operand);
        break;
      case 'valuePath':
        throw invalidFilter(`Value filters cannot be nested inside "${attribute.name}[...]".`);
      case 'present':
        subAttributeOf(attribute, node.path);
        break;
      case 'compare': {
        const subAttribute = subAttributeOf(attribute, node.path);
        const name = `${attribute.name}.${subAttribute.name}`;
        if (node.value === null && node.op !== 'eq' && node.op !== 'ne') {
          throw invalidFilter(nullComparisonDetail(name, node.op));
        }
        if (node.value !== null) {
          checkComparison(name, subAttribute, node.op, node.value, invalidFilter);
        }
      }
    }
  }
}

function subAttributeOf(attribute: AttributeDefinition, path: string): AttributeDefinition {
  const subAttribute = findAttribute(attribute.subAttributes ?? [], path);
  if (subAttribute === undefined) {
    throw invalidFilter(
      `"${path}" in "${attribute.name}[...]" is not a sub-attribute of "${attribute.name}".`,
    );
  }

  return subAttribute;
}

/**
 * The values a filter pins down when it is only `eq` comparisons joined by
 * `and` (`type eq "work"` gives `{type: "work"}`), keyed by the filter's
 * spelling of each sub-attribute; null for any other filter. A value
 * created because such a filter matched nothing starts from these.
 */
export function equalityTemplate(filter: FilterNode): Record<string, CompareValue> | null {
  const template: Record<string, CompareValue> = {};
  const pending: FilterNode[] = [filter];
  while (pending.length > 0) {
    const node = pending.pop() as FilterNode;
    if (node.kind === 'and') {
      pending.push(node.left, node.right);
      continue;
    }
    if (node.kind !== 'compare' || node.op !== 'eq' || node.value === null) return null;
    const key = node.path.toLowerCase();
    const earlier = Object.keys(template).find((name) => name.toLowerCase() === key);
    if (earlier !== undefined && template[earlier] !== node.value) return null;
    template[earlier ?? node.path] = node.value;
  }

  return template;
}

/**
 * The member ids a `members[...]` filter names, when it is `value eq "<id>"`
 * or several of those joined by `or` (RFC 7644 §3.5.2.2, as Okta and Entra
 * send it); null for any other filter, which could only be answered by
 * reading every member.
 */
export function memberIdsOfFilter(filter: FilterNode): string[] | null {
  const ids: string[] = [];
  const pending: FilterNode[] = [filter];
  while (pending.length > 0) {
    const node = pending.pop() as FilterNode;
    if (node.kind === 'or') {
      pending.push(node.right, node.left);
      continue;
    }
    if (node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string') return null;
    if (node.path.toLowerCase() !== 'value') return null;
    ids.push(node.value);
  }

  return ids;
}
