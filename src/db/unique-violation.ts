/** Whether `error` is PostgreSQL refusing a row because `index` already holds its key. */
export function isUniqueViolation(error: unknown, index: string): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };

  return code === '23505' && constraint === index;
}
