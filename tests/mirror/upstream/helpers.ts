// Shared set-up for the upstream client tests: a client with a fake clock and no netrc, and a
// deterministic incompressible buffer to make wheels big enough for range-read assertions.
import { createDispatcher } from "../../../src/mirror/http/dispatcher.js";
import {
  type Clock,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
} from "../../../src/mirror/http/http-client.js";

/** A clock whose sleeps return at once and are recorded. */
export function fakeClock(
  start = Date.parse("2025-01-01T00:00:00Z"),
): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A client for tests: empty proxy environment, no netrc, fake clock, jitter fixed at its middle. */
export function testClient(options: Partial<HttpClientOptions> = {}): HttpClient {
  return createHttpClient({
    dispatcher: createDispatcher({ env: {} }),
    netrcPath: null,
    clock: fakeClock(),
    random: () => 0.5,
    retries: 2,
    timeoutMs: 5_000,
    ...options,
  });
}

/** `size` bytes of deterministic noise (an LCG), which deflate cannot shrink. */
export function noise(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}
