// Failure explains itself: turn the resolver's last conflict into the message pip's docs describe
// ("Cannot install A==1 and B==2 because these package versions have conflicting dependencies.
// The conflict is caused by: ...") with the chain of requirements that led there, or into
// "No matching distribution for X: N files found, none fits target T" with one reason per file.
// Background: https://pip.pypa.io/en/stable/topics/dependency-resolution/#understanding-your-error-message
// Traps:
// - "no matching distribution" is right only when one requirement alone admits nothing;
//   when each admits something but not together, it is a conflict.
// - A constraint is never a requirement: when one admits nothing, that is a conflict too, and
//   it is not a trigger of "Cannot install ..." (pip names it "The user requested (constraint)").

import { quote, WheelhouseError } from "../../pep/errors.js";
import { isPrerelease, tryParseVersion } from "../../pep/version.js";
import { readFilename } from "./choose-file.js";
import { isExactPin } from "./policy.js";
import type { CandidateFile } from "./provider.js";
import type { Conflict, Search, State } from "./search.js";
import type { Entry, Pin } from "./types.js";

/** A resolution that cannot succeed; the message holds the whole explanation. */
export class ResolutionError extends WheelhouseError {
  constructor(
    code: "RESOLUTION_IMPOSSIBLE" | "NO_MATCHING_DISTRIBUTION",
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = "ResolutionError";
  }
}

const MAX_FILE_LINES = 40;

/** The error for a failed search, from its last conflict. */
export function explain(search: Search, conflict: Conflict | undefined): ResolutionError {
  if (conflict === undefined) {
    return new ResolutionError("RESOLUTION_IMPOSSIBLE", "the requirements cannot be resolved", {
      hint: "loosen the version ranges you asked for",
    });
  }
  if (conflict.pinned === undefined) {
    for (const entry of conflict.entries) {
      // A constraint that admits nothing is still a conflict with what was asked for, as pip
      // says it: a constraint is not a requirement, and "no matching distribution for" it
      // would name something the user never requested.
      if (entry.kind === "constraint") continue;
      if (usable(search, entry).length === 0) return noMatch(search, entry);
    }
  }
  return impossible(conflict);
}

/** Versions of the entry's project that this entry alone lets through (files and metadata too). */
function usable(search: Search, entry: Entry): string[] {
  const pf = search.index.loadedFiles(entry.name);
  const allowPre = search.allowPre(entry.name);
  const allowYanked = isExactPin(entry);
  const refused = new Set((search.metadataRejected.get(entry.name) ?? []).map((r) => r.file));
  return pf.versions.filter((v) => {
    if (!search.admits(entry, v, allowPre)) return false;
    const file = search.index.choose(entry.name, v, allowYanked).file;
    return file !== undefined && !refused.has(file);
  });
}

function noMatch(search: Search, entry: Entry): ResolutionError {
  const pf = search.index.loadedFiles(entry.name);
  const target = search.options.target.spec;
  const who = entry.parent ? ` (required by ${describePin(entry.parent)})` : "";
  if (pf.files.length === 0) {
    return new ResolutionError(
      "NO_MATCHING_DISTRIBUTION",
      `No matching distribution for ${entry.text}${who}: no files found for ${quote(entry.name)} in any source`,
      {
        hint: `check the project's name and that a source offers it (${search.options.sources ?? "the index, --find-links"})`,
      },
    );
  }
  const n = pf.files.length;
  const lines = [
    `No matching distribution for ${entry.text}${who}: ${n} file${n === 1 ? "" : "s"} found, none fits target ${target}`,
  ];
  const why = pf.files.map((f) => fileReason(search, entry, f));
  const reasons = pf.files.map((f, i) => `    ${f.filename}: ${why[i]}`);
  lines.push(...reasons.slice(0, MAX_FILE_LINES));
  if (reasons.length > MAX_FILE_LINES)
    lines.push(`    ... and ${reasons.length - MAX_FILE_LINES} more`);
  return new ResolutionError("NO_MATCHING_DISTRIBUTION", lines.join("\n"), {
    hint: hintFor(why),
  });
}

/** The hint for a no-match: what to look at, from the reasons the files were refused for. */
function hintFor(reasons: string[]): string {
  const has = (text: string) => reasons.some((r) => r.includes(text));
  const checks: string[] = [];
  if (has("do not fit target")) checks.push("the target (or get files built for it)");
  if (has("Requires-Python")) checks.push("the target's Python version");
  if (has("pre-release")) checks.push("--pre");
  if (has("--only-binary") || has("--no-binary")) checks.push("--only-binary/--no-binary");
  if (has("--exclude-newer")) checks.push("--exclude-newer");
  if (has("--hash") || has("--require-hashes")) checks.push("the --hash values");
  if (has("yanked")) checks.push("an exact == pin (a yanked file is only taken for one)");
  if (has("is not admitted by") || has("is wanted")) checks.push("the version ranges asked for");
  return checks.length === 0
    ? "check the requirement and that a source offers a fitting file"
    : `check ${checks.join(", ")}`;
}

function fileReason(search: Search, entry: Entry, file: CandidateFile): string {
  const version = readFilename(file.filename)!.version;
  const allowPre = search.allowPre(entry.name);
  if (!search.admits(entry, version, allowPre)) {
    if (entry.exactVersion !== undefined) return `only ${entry.exactVersion} is wanted`;
    const parsed = tryParseVersion(version);
    if (!allowPre && parsed && isPrerelease(parsed) && search.admits(entry, version, true)) {
      return `pre-release ${version} needs --pre or a pre-release named in your requirements`;
    }
    return `version ${version} is not admitted by ${quote(entry.specifier)}`;
  }
  const choice = search.index.choose(entry.name, version, isExactPin(entry));
  const rejected = choice.rejected.find((r) => r.file === file);
  if (rejected) return rejected.reason;
  const refused = (search.metadataRejected.get(entry.name) ?? []).find((r) => r.file === file);
  if (refused) return refused.reason;
  if (choice.file && choice.file !== file)
    return `not tried: ${choice.file.filename} was preferred`;
  return "fits, but was ruled out";
}

function impossible(conflict: Conflict): ResolutionError {
  const triggers = new Set<string>();
  const causes: string[] = [];
  const parents = new Map<string, Pin>();
  const constrained = new Map<string, Set<string>>();
  for (const e of conflict.entries) {
    if (e.kind === "constraint") {
      const specs = constrained.get(e.name) ?? new Set<string>();
      for (const s of e.specifier.split(",")) if (s.trim() !== "") specs.add(s.replace(/\s+/g, ""));
      constrained.set(e.name, specs);
    } else if (e.parent === undefined) {
      triggers.add(e.text);
      causes.push(`The user requested ${e.text}`);
    } else {
      triggers.add(describeTrigger(e.parent));
      causes.push(`${describePin(e.parent)} depends on ${e.text}`);
      parents.set(e.parent.id, e.parent);
    }
  }
  // Say why the pinned release stands only when no exact pin among the causes already says it.
  if (conflict.pinned && !conflict.entries.some(isExactPin)) {
    causes.push(`${describePin(conflict.pinned)} was already chosen`);
  }
  // pip: one line per constrained project, after the requirements, its specifiers merged and
  // sorted as packaging's SpecifierSet prints them; a constraint never counts as a trigger.
  for (const [name, specs] of constrained) {
    causes.push(`The user requested (constraint) ${name}${[...specs].sort().join(",")}`);
  }
  const list = [...triggers].sort();
  const info =
    list.length <= 1
      ? (list[0] ?? "the requested packages")
      : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
  const lines = [
    `Cannot install ${info} because these package versions have conflicting dependencies.`,
    "The conflict is caused by:",
    ...[...new Set(causes)].map((c) => `    ${c}`),
  ];
  const chains = [...parents.values()]
    .map((p) => chain(conflict.state, p))
    .filter((c) => c.includes(" -> "));
  if (chains.length > 0) {
    lines.push("The chain that led there:", ...[...new Set(chains)].sort().map((c) => `    ${c}`));
  }
  return new ResolutionError("RESOLUTION_IMPOSSIBLE", lines.join("\n"), {
    hint: "loosen the version ranges you asked for, or drop pins, so that other versions can be chosen",
  });
}

/** "a 1.0.0" or "a[x] 1.0.0". */
function describePin(pin: Pin): string {
  return `${pin.id} ${pin.version}`;
}

function describeTrigger(pin: Pin): string {
  return `${pin.id}==${pin.version}`;
}

/** "<root> -> a 1.0.0 -> b 2.0.0": how the resolver came to decide `pin`. */
function chain(state: State, pin: Pin): string {
  const parts = [describePin(pin)];
  const seen = new Set([pin.id]);
  let id = pin.id;
  for (;;) {
    const entries = state.criteria.get(id) ?? [];
    if (entries.some((e) => e.parent === undefined)) {
      parts.push("<root>");
      break;
    }
    const up = entries.find((e) => e.parent !== undefined && !seen.has(e.parent.id))?.parent;
    if (up === undefined) break;
    parts.push(describePin(up));
    seen.add(up.id);
    id = up.id;
  }
  return parts.reverse().join(" -> ");
}
