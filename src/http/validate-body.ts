import type { z } from 'zod';
import { invalidValue } from '../scim/errors';

/** Parses a JSON body with zod; every problem is named in one 400 detail. */
export function validateBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? 'body' : `"${issue.path.join('.')}"`;

      return `${where}: ${issue.message}`;
    });
    throw invalidValue(`The request body is invalid. ${problems.join('; ')}.`);
  }

  return parsed.data;
}
