import { ScimError } from '../../src/scim/errors';

/** The ScimError `run` throws; fails the test when it throws anything else or nothing. */
export function scimErrorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}

/** `run` refuses its input with a 400 of this scimType and a detail matching `detail`. */
export function expectRefusal(run: () => unknown, scimType: string, detail: RegExp): void {
  const error = scimErrorOf(run);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
  expect(error.detail).toMatch(detail);
}
