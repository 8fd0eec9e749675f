/**
 * `work`, or the error `onLate()` makes if it has not settled within `ms`. A command sent to a
 * server that stopped answering waits for its socket; callers that must answer in bounded time
 * (ingest, health, metrics, schedule registration) race it against this deadline. The work itself
 * is not cancelled: what it does after the deadline must be harmless (idempotent).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onLate: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onLate()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
