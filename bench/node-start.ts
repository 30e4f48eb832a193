// What NODE_EXTRA_CA_CERTS costs every Node process here: when it is set (some machines point it
// at the system CA bundle), Node 20 parses its certificates at start, before any of our code
// runs. wheelhouse's launcher defers it (rolldown.config.mjs) and benches run the CLI through
// that launcher; they print this note beside their ratios so the figure stays visible.
import { execFileSync } from "node:child_process";

/** Best wall time of `node -e 0` over `runs` runs with `env`, in seconds. */
function nodeStart(env: NodeJS.ProcessEnv, runs = 7): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, ["-e", "0"], { env });
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/** A line on Node's start with and without NODE_EXTRA_CA_CERTS, or undefined when it is unset. */
export function nodeStartNote(): string | undefined {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra) return undefined;
  const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
  const slow = nodeStart(process.env);
  const fast = nodeStart(without);
  return (
    `note: NODE_EXTRA_CA_CERTS=${extra} is set here; Node 20 parses those certificates at every ` +
    `start (node -e 0 takes ${slow.toFixed(3)} s with it, ${fast.toFixed(3)} s without, best of 7); ` +
    "wheelhouse's launcher defers them until a TLS connection needs them"
  );
}
