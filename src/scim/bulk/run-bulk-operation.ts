import type { AppContext } from '../../app-context';
import { invalidValue } from '../errors';
import {
  createGroupResource,
  deleteGroupResource,
  patchGroupResource,
  replaceGroupResource,
} from '../groups/group-handlers';
import { groupVersion } from '../groups/group-representation';
import { createUserResource } from '../users/create-user';
import { deleteUserResource } from '../users/delete-user';
import { patchUserResource } from '../users/patch-user';
import { replaceUserResource } from '../users/replace-user';
import { userVersion } from '../users/user-representation';
import type { WriteScope } from '../write-scope';
import type { BulkMethod } from './bulk-request';

/** Where an operation's path points: a collection, or one resource of it. */
export interface BulkTarget {
  endpoint: 'Users' | 'Groups';
  id: string | undefined;
}

/** What a successful operation answers (RFC 7644 §3.7.3); the body is left out. */
export interface BulkSuccess {
  status: number;
  id: string;
  version: string | undefined;
}

const ENDPOINTS = { users: 'Users', groups: 'Groups' } as const;

/**
 * Reads `/Users`, `/Groups`, `/Users/{id}` or `/Groups/{id}` (names
 * case-insensitive, as the HTTP routes are).
 *
 * @throws ScimError 400 `invalidValue` for any other path, or one that does
 *   not suit the method (POST to a collection, the rest to one resource).
 */
export function readBulkTarget(method: BulkMethod, path: string): BulkTarget {
  const [collection, id, ...rest] = path.replace(/^\/+|\/+$/g, '').split('/');
  const endpoint = ENDPOINTS[(collection ?? '').toLowerCase() as keyof typeof ENDPOINTS];
  const wantsId = method !== 'POST';
  if (endpoint === undefined || rest.length > 0 || (id !== undefined) !== wantsId) {
    const expected = wantsId ? '/Users/{id} or /Groups/{id}' : '/Users or /Groups';
    throw invalidValue(`A bulk ${method} goes to ${expected}; "${path}" is not such a path.`);
  }

  return { endpoint, id };
}

/**
 * Runs one Bulk operation through the very function its own HTTP route
 * runs, so a write is checked, audited and followed by its workflows the
 * same way whether or not it came in a Bulk request. Each operation commits
 * on its own (RFC 7644 §3.7 makes no promise of atomicity).
 *
 * @throws ScimError as the HTTP route would, for the operation to answer.
 */
export async function runBulkOperation(
  context: AppContext,
  scope: WriteScope,
  method: BulkMethod,
  target: BulkTarget,
  data: unknown,
): Promise<BulkSuccess> {
  const id = target.id ?? '';
  if (target.endpoint === 'Users') {
    switch (method) {
      case 'POST':
        return userSuccess(201, await createUserResource(context, scope, data));
      case 'PUT':
        return userSuccess(200, await replaceUserResource(context, scope, id, data));
      case 'PATCH':
        return userSuccess(200, await patchUserResource(context, scope, id, data));
      case 'DELETE':
        await deleteUserResource(context, scope, id);

        return { status: 204, id, version: undefined };
    }
  }

  switch (method) {
    case 'POST':
      return groupSuccess(201, await createGroupResource(context, scope, data));
    case 'PUT':
      return groupSuccess(200, await replaceGroupResource(context, scope, id, data));
    case 'PATCH':
      // PATCH /Groups/{id} answers 204 on its own route too: the group is not serialised.
      return groupSuccess(204, await patchGroupResource(context, scope, id, data));
    case 'DELETE':
      await deleteGroupResource(context, scope, id);

      return { status: 204, id, version: undefined };
  }
}

function userSuccess(status: number, row: { id: string; version: number }): BulkSuccess {
  return { status, id: row.id, version: userVersion(row) };
}

function groupSuccess(status: number, row: { id: string; version: number }): BulkSuccess {
  return { status, id: row.id, version: groupVersion(row) };
}
