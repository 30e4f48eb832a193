// The search: depth-first backtracking over releases, newest first, with conflict-directed
// backjumping (Prosser's CBJ). Each failure returns the set of earlier decisions ("culprits")
// that caused it; a decision that is not among them is skipped over instead of retried, which
// keeps unrelated packages from multiplying the work. Nodes that conflicted before are decided
// first (pip's "prefer conflicting causes"), exact pins before ranges.
// Background: https://pip.pypa.io/en/stable/topics/dependency-resolution/ and
// Prosser, "Hybrid algorithms for the constraint satisfaction problem" (1993).
// Traps:
// - A pinned node is never re-pinned inside its subtree: a new requirement it does not satisfy
//   is a conflict of the parent's candidate, so every decision is retried only by backtracking.
// - The culprits of "no candidate" are the parents of every entry on that node plus a pinned
//   sibling (an extra and its base share one version); forgetting one makes backjumping unsound.
// - Pre-releases follow uv's "if necessary or explicit": --pre, a pre-release named in a user
//   requirement or constraint, or a project whose fitting files are all pre-releases. A transitive specifier
//   naming a pre-release does not open them (packse: transitive-prerelease-and-stable-dependency).

import { evaluateMarker } from "../../pep/marker.js";
import { canonicalizeName } from "../../pep/names.js";
import { formatRequirement, parseRequirement, type Requirement } from "../../pep/requirement.js";
import { specifierContains } from "../../pep/specifier.js";
import { compareVersions } from "../../pep/version.js";
import type { RejectedFile } from "./choose-file.js";
import { pythonAllowed, targetPython } from "./choose-file.js";
import { canonicalExtra, isExactPin, namesPrerelease, providesExtra } from "./policy.js";
import type { ProjectIndex } from "./project-index.js";
import type { CandidateFile, CandidateMetadata } from "./provider.js";
import { type Entry, nodeId, type Pin, type ResolveOptions } from "./types.js";

/** The resolver's state on one branch: decisions and the requirements on every node. */
export interface State {
  pins: Map<string, Pin>;
  criteria: Map<string, Entry[]>;
}

/** Requirements on one node that no candidate satisfies together (or a pin violates). */
export interface Conflict {
  id: string;
  name: string;
  entries: Entry[];
  /** Set when `entries` clash with a node already pinned. */
  pinned?: Pin;
  state: State;
}

type Outcome = { ok: true; state: State } | { ok: false; culprits: Set<string> };

/** Give up past this many decisions: a resolution this hard is a bug or an adversarial index. */
const MAX_STEPS = 200_000;

/** Search context shared by every branch of one resolution. */
export class Search {
  readonly env: Record<string, string>;
  readonly python: string;
  readonly constraints = new Map<string, Entry[]>();
  readonly explicitPre = new Set<string>();
  readonly conflictCount = new Map<string, number>();
  readonly metadataRejected = new Map<string, RejectedFile[]>();
  lastConflict?: Conflict;
  steps = 0;
  /** Per entries array, the pinned siblings ("" for none) prefetch already handled. */
  private readonly prefetched = new WeakMap<Entry[], Set<string>>();

  constructor(
    readonly index: ProjectIndex,
    readonly options: ResolveOptions,
    env: Record<string, string>,
  ) {
    this.env = env;
    this.python = targetPython(options.target);
    for (const c of options.constraints ?? []) {
      if (!this.markerHolds(c.marker, [])) continue;
      const name = canonicalizeName(c.name);
      const entry: Entry = {
        id: name,
        name,
        specifier: c.specifier,
        kind: "constraint",
        text: formatRequirement({ ...c, marker: undefined, extras: [] }),
      };
      this.constraints.set(name, [...(this.constraints.get(name) ?? []), entry]);
      if (namesPrerelease(c.specifier)) this.explicitPre.add(name);
    }
  }

  /** The entries of the user's requirements (markers evaluated for the target). */
  rootEntries(requirements: Requirement[]): Entry[] {
    const out: Entry[] = [];
    for (const r of requirements) {
      if (!this.markerHolds(r.marker, [])) continue;
      const name = canonicalizeName(r.name);
      if (namesPrerelease(r.specifier)) this.explicitPre.add(name);
      const text = formatRequirement({ ...r, marker: undefined });
      out.push({ id: name, name, specifier: r.specifier, kind: "root", text });
      for (const e of r.extras) {
        const extra = canonicalExtra(e);
        out.push({
          id: nodeId(name, extra),
          name,
          extra,
          specifier: r.specifier,
          kind: "root",
          text,
        });
      }
    }
    return out;
  }

  markerHolds(marker: string | undefined, extras: string[]): boolean {
    if (marker === undefined) return true;
    try {
      return evaluateMarker(marker, this.env, extras.length > 0 ? { extras } : {});
    } catch {
      return false;
    }
  }

  allowPre(name: string): boolean {
    return (
      this.options.pre === true || this.explicitPre.has(name) || this.index.onlyPrereleases(name)
    );
  }

  /**
   * Pre-releases are admitted for `version` of `name`: allowPre(name), or it is the installed
   * release (pip keeps an installed pre-release that satisfies, without --pre).
   */
  allowPreFor(name: string, version: string, allowPre = this.allowPre(name)): boolean {
    if (allowPre) return true;
    const installed = this.options.installed?.get(name);
    return installed !== undefined && compareVersions(installed, version) === 0;
  }

  /** Whether `entry` admits release `version` of its project. */
  admits(entry: Entry, version: string, allowPre: boolean): boolean {
    if (entry.exactVersion !== undefined) return entry.exactVersion === version;
    return specifierContains(entry.specifier, version, { prereleases: allowPre });
  }

  /** The entries on `id` in `state`, constraints included. */
  entriesOf(state: State, id: string, name: string): Entry[] {
    return [...(state.criteria.get(id) ?? []), ...(this.constraints.get(name) ?? [])];
  }

  /**
   * The releases node `id` may take in `state`, best first, and the decisions that shaped the
   * list. The project's files must be loaded.
   */
  candidates(state: State, id: string, name: string, limit = Number.POSITIVE_INFINITY) {
    const entries = this.entriesOf(state, id, name);
    const culprits = new Set<string>();
    for (const e of entries) if (e.parent) culprits.add(e.parent.id);
    let sibling: Pin | undefined;
    for (const pin of state.pins.values()) {
      if (pin.name === name && pin.id !== id) {
        sibling = pin;
        culprits.add(pin.id);
        break;
      }
    }
    const allowPre = this.allowPre(name);
    const allowYanked = entries.some(isExactPin);
    const versions: string[] = [];
    for (const v of this.index.loadedFiles(name).versions) {
      if (versions.length >= limit) break;
      if (sibling && sibling.version !== v) continue;
      const pre = this.allowPreFor(name, v, allowPre);
      if (!entries.every((e) => this.admits(e, v, pre))) continue;
      if (this.index.choose(name, v, allowYanked).file === undefined) continue;
      versions.push(v);
    }
    return { versions: this.order(name, versions, allowYanked), culprits, allowYanked };
  }

  /** Installed release first (unless --upgrade); with --prefer-binary, wheels before sdists. */
  private order(name: string, versions: string[], allowYanked: boolean): string[] {
    let out = versions;
    if (this.options.preferBinary) {
      const isWheel = (v: string) =>
        this.index.choose(name, v, allowYanked).file?.filename.endsWith(".whl") === true;
      out = [...out.filter(isWheel), ...out.filter((v) => !isWheel(v))];
    }
    const installed = this.options.installed?.get(name);
    if (installed !== undefined && !this.options.upgrade) {
      const at = out.findIndex((v) => compareVersions(v, installed) === 0);
      if (at > 0) out = [out[at], ...out.slice(0, at), ...out.slice(at + 1)];
    }
    return out;
  }

  /** Run the search from `state`. */
  async run(state: State): Promise<Outcome> {
    if (++this.steps > MAX_STEPS) throw new SearchTooLong(this.steps);
    const open = [...state.criteria.keys()].filter((id) => !state.pins.has(id));
    if (open.length === 0) return { ok: true, state };
    const names = open.map((id) => state.criteria.get(id)![0].name);
    await Promise.all(names.map((n) => this.index.files(n)));
    this.prefetch(state, open, names);
    const at = this.pick(state, open);
    const id = open[at];
    const name = names[at];
    const { versions, culprits, allowYanked } = this.candidates(state, id, name);
    const failure = new Set(culprits);
    if (versions.length === 0) {
      this.record({ id, name, entries: this.entriesOf(state, id, name), state });
      return { ok: false, culprits: failure };
    }
    let pinned = false;
    for (const version of versions) {
      const file = this.index.choose(name, version, allowYanked).file!;
      const pin = await this.tryPin(state, id, name, version, file);
      if (pin === undefined) continue;
      pinned = true;
      const next: State = { pins: new Map(state.pins), criteria: new Map(state.criteria) };
      next.pins.set(id, pin);
      const clash = await this.merge(next, pin);
      if (clash !== undefined) {
        for (const c of clash) if (c !== id) failure.add(c);
        continue;
      }
      const sub = await this.run(next);
      if (sub.ok) return sub;
      if (!sub.culprits.has(id)) return sub;
      for (const c of sub.culprits) if (c !== id) failure.add(c);
    }
    // Every candidate's metadata ruled it out: that is this node's conflict.
    if (!pinned) this.record({ id, name, entries: this.entriesOf(state, id, name), state });
    return { ok: false, culprits: failure };
  }

  /** Metadata and dependencies of a candidate, or undefined when its metadata rules it out. */
  private async tryPin(
    state: State,
    id: string,
    name: string,
    version: string,
    file: CandidateFile,
  ): Promise<Pin | undefined> {
    const metadata = await this.index.metadata(name, file);
    const why = this.metadataProblem(name, version, metadata);
    const pin: Pin = { id, name, version, file, metadata, dependencies: [] };
    const extra = state.criteria.get(id)![0].extra;
    if (extra !== undefined) pin.extra = extra;
    let reason = why;
    if (reason === undefined && !this.options.noDeps) {
      try {
        pin.dependencies = this.dependencies(pin, metadata);
      } catch (error) {
        reason = `its metadata is invalid: ${(error as Error).message}`;
      }
    }
    if (reason !== undefined) {
      const list = this.metadataRejected.get(name) ?? [];
      if (!list.some((r) => r.file === file)) list.push({ file, reason });
      this.metadataRejected.set(name, list);
      return undefined;
    }
    return pin;
  }

  private metadataProblem(
    name: string,
    version: string,
    md: CandidateMetadata,
  ): string | undefined {
    let mdName: string;
    try {
      mdName = canonicalizeName(md.name);
    } catch {
      mdName = md.name;
    }
    if (mdName !== name || compareVersions(md.version, version) !== 0) {
      return `its metadata names ${md.name} ${md.version}, not ${name} ${version}`;
    }
    // Checked even when the index states a Requires-Python of its own, as pip does: the
    // metadata is the release's own word, and an index's copy can be stale or wrong.
    if (!this.options.ignoreRequiresPython && !pythonAllowed(md.requiresPython, this.python)) {
      return `Requires-Python ${md.requiresPython} (from its metadata) does not admit Python ${this.python}`;
    }
    return undefined;
  }

  /** The entries a pin adds: its Requires-Dist for the target (and its extra), plus its base. */
  private dependencies(pin: Pin, md: CandidateMetadata): Entry[] {
    const out: Entry[] = [];
    const { name, extra, version } = pin;
    if (extra !== undefined) {
      const text = `${name}==${version}`;
      out.push({
        id: name,
        name,
        specifier: "",
        exactVersion: version,
        parent: pin,
        kind: "extra-base",
        text,
      });
    }
    // pip takes only the extras the release declares (Provides-Extra): an undeclared one adds
    // nothing, even where a marker names it. Compared normalized (PEP 685).
    if (extra !== undefined && !providesExtra(md, extra)) return out;
    for (const line of md.requiresDist) {
      const r = parseRequirement(line);
      const base = this.markerHolds(r.marker, []);
      const active = extra === undefined ? base : !base && this.markerHolds(r.marker, [extra]);
      if (!active) continue;
      const dep = canonicalizeName(r.name);
      if (extra === undefined && dep === name && r.extras.length === 0) continue;
      const text = formatRequirement({ ...r, marker: undefined });
      const entry = {
        name: dep,
        specifier: r.specifier,
        parent: pin,
        kind: "dependency",
        text,
      } as const;
      out.push({ ...entry, id: dep });
      for (const e of r.extras) {
        const x = canonicalExtra(e);
        out.push({ ...entry, id: nodeId(dep, x), extra: x });
      }
    }
    return out;
  }

  /** Add a pin's entries to `next`; returns the culprits when one admits no release. */
  private async merge(next: State, pin: Pin): Promise<Set<string> | undefined> {
    await Promise.all(pin.dependencies.map((d) => this.index.files(d.name)));
    for (const d of pin.dependencies) {
      const entries = [...(next.criteria.get(d.id) ?? []), d];
      next.criteria.set(d.id, entries);
      const pinned = next.pins.get(d.id);
      if (pinned !== undefined) {
        if (this.admits(d, pinned.version, this.allowPreFor(d.name, pinned.version))) continue;
        this.record({ id: d.id, name: d.name, entries, pinned, state: next });
        return new Set([pin.id, d.id]);
      }
      const { versions, culprits } = this.candidates(next, d.id, d.name, 1);
      if (versions.length === 0) {
        this.record({
          id: d.id,
          name: d.name,
          entries: this.entriesOf(next, d.id, d.name),
          state: next,
        });
        culprits.add(pin.id);
        return culprits;
      }
    }
    return undefined;
  }

  private record(conflict: Conflict): void {
    this.lastConflict = conflict;
    this.conflictCount.set(conflict.name, (this.conflictCount.get(conflict.name) ?? 0) + 1);
    for (const e of conflict.entries) {
      if (e.parent) {
        const n = e.parent.name;
        this.conflictCount.set(n, (this.conflictCount.get(n) ?? 0) + 1);
      }
    }
  }

  /** Index in `open` of the node to decide next. */
  private pick(state: State, open: string[]): number {
    let best = 0;
    let bestKey: number[] | undefined;
    open.forEach((id, i) => {
      const entries = state.criteria.get(id)!;
      const name = entries[0].name;
      const key = [
        entries.some(isExactPin) || (this.constraints.get(name) ?? []).some(isExactPin) ? 0 : 1,
        -(this.conflictCount.get(name) ?? 0),
        entries[0].extra === undefined ? 0 : 1,
      ];
      if (bestKey === undefined || lessThan(key, bestKey)) {
        best = i;
        bestKey = key;
      }
    });
    return best;
  }

  /**
   * Start fetching the metadata of the best release of every open node. A node whose entries
   * (the same array: states share unchanged ones) and pinned sibling were seen before would
   * prefetch the same file again, so it is skipped (120 open nodes per decision otherwise).
   */
  private prefetch(state: State, open: string[], names: string[]): void {
    open.forEach((id, i) => {
      const entries = state.criteria.get(id)!;
      let sibling = "";
      for (const pin of state.pins.values()) {
        if (pin.name === names[i] && pin.id !== id) {
          sibling = `=${pin.version}`;
          break;
        }
      }
      const seen = this.prefetched.get(entries);
      if (seen?.has(sibling)) return;
      if (seen) seen.add(sibling);
      else this.prefetched.set(entries, new Set([sibling]));
      const { versions, allowYanked } = this.candidates(state, id, names[i], 1);
      if (versions.length === 0) return;
      const file = this.index.choose(names[i], versions[0], allowYanked).file;
      if (file) this.index.prefetch(names[i], file);
    });
  }
}

/** Thrown when the search passes {@link MAX_STEPS}. */
export class SearchTooLong extends Error {
  constructor(readonly steps: number) {
    super(`gave up after ${steps} decisions`);
  }
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
