/** PostgreSQL unique_violation: a concurrent insert of the same key won the race. */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } } | null)?.driverError;
  return driverError?.code === '23505';
}
