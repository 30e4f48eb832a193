// Requirement policies the search and its explanations share: what counts as an exact pin (which
// may take a yanked release, PEP 592), what names a pre-release (which opts into them, PEP 440
// "Handling of pre-releases"), PEP 685 extra normalization, and which extras a release declares.
// Trap: "==1.*" is not an exact pin; "!=2.0b1" does not name a pre-release to opt into.

import { canonicalizeName } from "../../pep/names.js";
import { isPrerelease, tryParseVersion } from "../../pep/version.js";
import type { CandidateMetadata } from "./provider.js";
import type { Entry } from "./types.js";

/** True for `==V` (no wildcard), `===V` and an extra's link to its base: they may take a yanked release. */
export function isExactPin(entry: Entry): boolean {
  if (entry.exactVersion !== undefined) return true;
  return entry.specifier
    .split(",")
    .some((s) => /^\s*(===|==)\s*[^*\s]+\s*$/.test(s) && !s.trim().endsWith(".*"));
}

/** True when a specifier names a pre-release version (e.g. ">=2.0b1"), which opts into them. */
export function namesPrerelease(specifier: string): boolean {
  for (const part of specifier.split(",")) {
    const m = /^\s*(===|==|~=|<=|>=|<|>)\s*(.+?)\s*$/.exec(part);
    if (!m || m[2].endsWith(".*")) continue;
    const v = tryParseVersion(m[2]);
    if (v !== null && isPrerelease(v)) return true;
  }
  return false;
}

/** PEP 685: extras compare normalized like project names. */
export function canonicalExtra(extra: string): string {
  try {
    return canonicalizeName(extra);
  } catch {
    return extra.toLowerCase();
  }
}

/**
 * Whether release metadata `md` declares `extra` (canonical) in Provides-Extra. Metadata that
 * says nothing about its extras (no `providesExtra` field) is taken to declare them all.
 */
export function providesExtra(md: CandidateMetadata, extra: string): boolean {
  return (
    md.providesExtra === undefined || md.providesExtra.some((e) => canonicalExtra(e) === extra)
  );
}
