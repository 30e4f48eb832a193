// A concurrency limit for promises: at most `n` tasks run at once, the rest wait in FIFO order.
// Trap: a slot is freed whether the task resolves or throws, or the queue would stall on errors.

/** Run `task` when a slot is free; resolves or rejects as the task does. */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Create a limit of `n` concurrent tasks (n >= 1).
 * @throws RangeError when n is not a positive integer.
 */
export function createLimit(n: number): Limit {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`concurrency ${n} is not a positive integer`);
  let active = 0;
  const waiting: (() => void)[] = [];
  // A freed slot is handed straight to the next waiter (active stays the same), so a newcomer
  // cannot slip in between the release and the waiter's wake-up.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
