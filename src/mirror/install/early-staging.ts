// Stages wheels while the resolver is still at work: each wheel whose core metadata the resolver
// reads is staged at once (checked against RECORD and written into its staging directories by
// the writer threads), so that the writers are busy during resolution instead of idle until it
// ends. The installer then takes the stagings of the wheels it chose; the others are discarded.
// Traps:
// - A staging that fails is not an error until its wheel is chosen: the resolver may read a
//   release it then leaves (a backtrack, another version), and that wheel's faults are not the
//   install's. The failure is kept and rethrown by take().
// - Warnings (a newer Wheel-Version minor) are held back too, and told only for a wheel taken.
// - Everything not taken must be settled and discarded before the writer threads stop, or a
//   write still queued for it would never answer.
// - A failed resolution can end while metadata reads it started are still in flight: one that
//   lands after discardRest() must not start a staging, whose directory nothing would remove.

import type { StagedWheel } from "./unpack.js";

/** At most this many wheels are staged at once (each holds its stored bytes in memory). */
const LIMIT = 6;

interface Outcome {
  staged?: StagedWheel;
  error?: unknown;
  warnings: string[];
}

/** Stage the wheel at `path` (named `filename`), telling `onWarning` what pip would warn about. */
export type StageFn = (
  path: string,
  filename: string,
  onWarning: (message: string) => void,
) => Promise<StagedWheel>;

/** Wheels staged ahead of the resolver's decision, by local path. */
export class EarlyStaging {
  private readonly started = new Map<string, Promise<Outcome>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  /** Set by discardRest(): a metadata read still in flight then starts nothing. */
  private closed = false;

  constructor(private readonly stage: StageFn) {}

  /** Start staging the wheel at `path` (once per path; queued past LIMIT at once). */
  start(path: string, filename: string): void {
    if (this.closed || this.started.has(path)) return;
    this.started.set(path, this.run(path, filename));
  }

  /**
   * The staging started for `path`, now owned by the caller, or undefined when none was started.
   * Its held-back warnings go to `onWarning`.
   * @throws (as a rejection) whatever staging that wheel threw.
   */
  take(path: string, onWarning: (message: string) => void): Promise<StagedWheel> | undefined {
    const outcome = this.started.get(path);
    if (outcome === undefined) return undefined;
    this.started.delete(path);
    return outcome.then((o) => {
      for (const w of o.warnings) onWarning(w);
      if (o.staged === undefined) throw o.error;
      return o.staged;
    });
  }

  /**
   * Wait for every staging not taken and remove what it wrote; start nothing from then on. Never
   * throws.
   */
  async discardRest(): Promise<void> {
    this.closed = true;
    const rest = [...this.started.values()];
    this.started.clear();
    await Promise.all(
      rest.map(async (p) => {
        const o = await p;
        await o.staged?.discard().catch(() => undefined);
      }),
    );
  }

  private async run(path: string, filename: string): Promise<Outcome> {
    if (this.running >= LIMIT) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    const warnings: string[] = [];
    try {
      return { staged: await this.stage(path, filename, (w) => warnings.push(w)), warnings };
    } catch (error) {
      return { error, warnings };
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
