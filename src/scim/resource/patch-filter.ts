import type { CompareValue, FilterNode } from '../filter/ast';

/**
 * The values a filter pins down when it is only `eq` comparisons joined by
 * `and` (`type eq "work"` gives `{type: "work"}`), keyed by the filter's
 * spelling of each sub-attribute; null for any other filter. A value
 * created because such a filter matched nothing starts from these.
 */
export function equalityTemplate(filter: FilterNode): Record<string, CompareValue> | null {
  // Filter paths become keys here; a prototype-less object keeps any name an ordinary key.
  const template: Record<string, CompareValue> = Object.create(null);
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
