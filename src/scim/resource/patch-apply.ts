import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute';
import type { AttributeTarget } from './patch-target';
import type { PatchOpName } from './patch-request';
import type { ScimObject } from './scim-object';
import { noTarget } from '../errors';
import {
  coerceAttribute,
  coerceComplex,
  coerceElement,
  coerceMultiValued,
} from './coerce-attribute';
import { coerceSimple } from './coerce-value';
import { isPlainObject, jsonEqual } from './json-value';
import { equalityTemplate } from './patch-filter';

/** What an add or replace writes into each selected value of a multi-valued attribute. */
interface ElementUpdate {
  set: ScimObject;
  unset: string[];
}

/**
 * Applies one operation to an attribute of `resource`, changing it in place
 * (the caller works on a copy). Semantics are those of RFC 7644 §3.5.2.1–3:
 *
 * - add to a multi-valued attribute appends the values not already there;
 *   replace swaps the whole list; remove clears it, or with a `value` list
 *   (Entra's shape) removes just the listed values;
 * - add or replace on a single-valued attribute sets it; on a complex one,
 *   it sets the sub-attributes given and leaves the others unchanged;
 * - with a value filter, only the matching values are changed or removed.
 *   When an add or replace matches nothing and the filter is only `eq`
 *   comparisons joined by `and`, a value built from those comparisons is
 *   added: Entra sets a user's first work e-mail with
 *   `emails[type eq "work"].value`. Any other unmatched filter is `noTarget`;
 * - `null` is no value (RFC 7643 §2.5): adding it changes nothing and
 *   replacing with it removes;
 * - a value newly made primary takes `primary` away from the others.
 *
 * Removing something that is not there changes nothing, so IdP retries are harmless.
 *
 * @throws ScimError 400 `invalidValue` for a value of the wrong type,
 *   `noTarget` for an unmatched filter as above.
 */
export function applyToAttribute(
  op: PatchOpName,
  target: AttributeTarget,
  value: unknown,
  resource: ScimObject,
): void {
  if (op === 'add' && value === null) return;
  const removing = op === 'remove' || value === null;
  const holder = holderOf(resource, target.extension, !removing);
  if (holder === undefined) return;

  if (target.attribute.multiValued) {
    applyToMultiValued(removing ? 'remove' : op, target, value ?? undefined, holder);
    return;
  }

  const { attribute, subAttribute, path } = target;
  const current = holder[attribute.name];
  if (subAttribute === null) {
    holder[attribute.name] = removing
      ? undefined
      : attribute.type === 'complex'
        ? applyUpdate(current, complexUpdate(attribute, value, path))
        : coerceSimple(attribute, value, path);
  } else {
    const update: ElementUpdate = removing
      ? { set: {}, unset: [subAttribute.name] }
      : { set: { [subAttribute.name]: coerceAttribute(subAttribute, value, path) }, unset: [] };
    holder[attribute.name] = applyUpdate(current, update);
  }
  dropUnassigned(holder, attribute.name);
}

/** The object holding an attribute: the resource, or its extension's object. */
function holderOf(
  resource: ScimObject,
  extension: SchemaDefinition | null,
  create: boolean,
): ScimObject | undefined {
  if (extension === null) return resource;
  const existing = resource[extension.id];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;

  const created: ScimObject = {};
  resource[extension.id] = created;

  return created;
}

function applyToMultiValued(
  op: PatchOpName,
  target: AttributeTarget,
  value: unknown,
  holder: ScimObject,
): void {
  const { attribute, subAttribute, matcher, path } = target;
  const current = holder[attribute.name];
  const values: unknown[] = Array.isArray(current) ? [...current] : [];

  if (matcher === null && subAttribute === null) {
    holder[attribute.name] = wholeList(op, attribute, values, value, path);
    dropUnassigned(holder, attribute.name);
    return;
  }

  const selected = new Set<number>();
  values.forEach((element, index) => {
    if (isPlainObject(element) && (matcher === null || matcher(element))) selected.add(index);
  });

  if (op === 'remove') {
    const unset = subAttribute === null ? [] : [subAttribute.name];
    const clear: ElementUpdate = { set: {}, unset };
    holder[attribute.name] =
      subAttribute === null
        ? values.filter((_, index) => !selected.has(index))
        : values.map((element, index) =>
            selected.has(index) ? applyUpdate(element, clear) : element,
          );
    dropUnassigned(holder, attribute.name);
    return;
  }

  const update: ElementUpdate =
    subAttribute === null
      ? complexUpdate(attribute, value, path)
      : { set: { [subAttribute.name]: coerceAttribute(subAttribute, value, path) }, unset: [] };
  if (selected.size === 0) {
    values.push(applyUpdate(newElement(target), update));
    selected.add(values.length - 1);
  } else {
    for (const index of selected) values[index] = applyUpdate(values[index], update);
  }
  holder[attribute.name] = withSinglePrimary(values, selected);
}

/** add, replace or remove on a multi-valued attribute with neither filter nor sub-attribute. */
function wholeList(
  op: PatchOpName,
  attribute: AttributeDefinition,
  values: unknown[],
  value: unknown,
  path: string,
): unknown[] {
  if (op === 'replace') return coerceMultiValued(attribute, value, path) ?? [];
  if (op === 'remove') {
    if (value === undefined) return [];
    const listed = coerceMultiValued(attribute, value, path) ?? [];

    const isListed = (element: unknown) =>
      listed.some((given) => sameValue(attribute, element, given));

    return values.filter((element) => !isListed(element));
  }

  const added = (coerceMultiValued(attribute, value, path) ?? []).filter(
    (given) => !values.some((element) => jsonEqual(element, given)),
  );
  const touched = new Set(added.map((_, index) => values.length + index));

  return withSinglePrimary([...values, ...added], touched);
}

/**
 * The value created when an add or replace through an `eq` filter matches
 * nothing: the filter's comparisons, e.g. `{type: "work"}`.
 */
function newElement(target: AttributeTarget): ScimObject {
  const template = target.filter === null ? {} : equalityTemplate(target.filter);
  if (template === null) {
    const { attribute, path } = target;
    throw noTarget(`No value of "${attribute.name}" matches "${path}"; nothing to change.`);
  }

  return (coerceElement(target.attribute, template, target.path) as ScimObject | undefined) ?? {};
}

function complexUpdate(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
): ElementUpdate {
  const unset: string[] = [];
  const set = coerceComplex(attribute, value, path, unset) ?? {};

  return { set, unset };
}

/** Sets and clears sub-attributes of a complex value, leaving the rest (RFC 7644 §3.5.2.3). */
function applyUpdate(current: unknown, update: ElementUpdate): ScimObject {
  const result: ScimObject = isPlainObject(current) ? { ...current } : {};
  Object.assign(result, update.set);
  for (const name of update.unset) delete result[name];

  return result;
}

/** RFC 7643 §2.4: a value newly marked primary takes `primary` away from the others. */
function withSinglePrimary(values: unknown[], touched: ReadonlySet<number>): unknown[] {
  const newPrimary = [...touched].some((index) => {
    const element = values[index];

    return isPlainObject(element) && element.primary === true;
  });
  if (!newPrimary) return values;

  return values.map((element, index) => {
    if (touched.has(index) || !isPlainObject(element) || element.primary !== true) return element;
    const { primary: _primary, ...rest } = element;

    return rest;
  });
}

/** Whether `given` (from a remove's value list) names `element`: by `value` when it has one. */
function sameValue(attribute: AttributeDefinition, element: unknown, given: unknown): boolean {
  if (!isPlainObject(element) || !isPlainObject(given) || given.value === undefined) {
    return jsonEqual(element, given);
  }
  const caseExact = attribute.subAttributes?.find((sub) => sub.name === 'value')?.caseExact;
  if (typeof element.value === 'string' && typeof given.value === 'string' && !caseExact) {
    return element.value.toLowerCase() === given.value.toLowerCase();
  }

  return jsonEqual(element.value, given.value);
}

/** An attribute left with no value is removed, as RFC 7643 §2.5 treats them alike. */
function dropUnassigned(holder: ScimObject, name: string): void {
  const value = holder[name];
  const empty =
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0);
  if (empty) delete holder[name];
}
