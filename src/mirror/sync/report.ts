// The report of a sync: per target, the resolved `{name, version, files: [{filename, sha256,
// size, url}]}` and what became of its files (added, skipped, failed, bytes), plus the run's
// totals; and the plain-text summary lines the CLI prints from it.
// Trap: a file shared by targets counts in each target's summary but once in the run's totals.

import { quotedReason } from "../../pep/errors.js";
import type { YankChange } from "../../store/yank.js";
import type { TargetSelection } from "./plan.js";
import type {
  FileOutcome,
  ProjectStatusNote,
  ProvenanceOutcome,
  ReportPackage,
  SyncReport,
  TargetReport,
} from "./types.js";

/**
 * Assemble the report from the selections, the fetch outcomes (keyed by filename) and the stored
 * files whose yank state the indexes changed.
 */
export function buildReport(
  selections: TargetSelection[],
  outcomes: FileOutcome[],
  dryRun: boolean,
  elapsedMs: number,
  yankChanges: YankChange[] = [],
  projectStatuses: ProjectStatusNote[] = [],
  provenance: ProvenanceOutcome = { kept: 0, failed: [] },
): SyncReport {
  const byFilename = new Map(outcomes.map((o) => [o.planned.file.filename, o]));
  const targets = selections.map((selection): TargetReport => {
    let filesAdded = 0;
    let filesSkipped = 0;
    let filesFailed = 0;
    let bytesAdded = 0;
    // One entry per package: a package from a pylock.toml brings several files (sdist, wheels).
    const packages = new Map<string, ReportPackage>();
    const seen = new Set<string>();
    for (const pkg of selection.packages) {
      if (seen.has(pkg.file.filename)) continue;
      seen.add(pkg.file.filename);
      const outcome = byFilename.get(pkg.file.filename);
      if (outcome?.status === "added") {
        filesAdded++;
        bytesAdded += outcome.size ?? outcome.planned.file.size ?? 0;
      } else if (outcome?.status === "skipped") filesSkipped++;
      else if (outcome?.status === "failed") filesFailed++;
      const key = `${pkg.name}\0${pkg.version}\0${pkg.buildOnly === true}`;
      const entry = packages.get(key) ?? {
        name: pkg.name,
        version: pkg.version,
        files: [],
        ...(pkg.buildOnly ? { buildOnly: true as const } : {}),
      };
      entry.files.push({
        filename: pkg.file.filename,
        sha256: pkg.file.sha256 ?? null,
        size: pkg.file.size ?? null,
        url: pkg.file.url,
      });
      packages.set(key, entry);
    }
    return {
      target: selection.target,
      packages: [...packages.values()],
      summary: {
        projects: new Set(selection.packages.map((p) => p.name)).size,
        filesAdded,
        filesSkipped,
        filesFailed,
        bytesAdded,
        resolveMs: Math.round(selection.resolveMs),
      },
    };
  });
  const failed = outcomes.filter((o): o is Extract<FileOutcome, { status: "failed" }> => {
    return o.status === "failed";
  });
  const added = outcomes.filter((o) => o.status === "added");
  return {
    dryRun,
    targets,
    failed,
    yankChanges,
    projectStatuses,
    provenance,
    summary: {
      // Every distinct file the run needs, whether it was fetched, found stored, or (dry run)
      // only resolved.
      files: new Set(selections.flatMap((s) => s.packages.map((p) => p.file.filename))).size,
      filesAdded: added.length,
      filesSkipped: outcomes.filter((o) => o.status === "skipped").length,
      bytesAdded: added.reduce(
        (sum, o) => sum + ((o.status === "added" ? o.size : 0) ?? o.planned.file.size ?? 0),
        0,
      ),
      elapsedMs: Math.round(elapsedMs),
    },
  };
}

/** The report as JSON-ready data (failures without their plan objects). */
export function reportJson(report: SyncReport): unknown {
  return {
    ...report,
    failed: report.failed.map((f) => ({
      filename: f.planned.file.filename,
      url: f.planned.file.url,
      code: f.code,
      message: f.message,
      ...(f.hint ? { hint: f.hint } : {}),
    })),
  };
}

/**
 * Human summary lines: one per target, then the run's total. `bytes` formats a size and `count`
 * a count with its noun ("1 file", "2 files"): the CLI's own formatters (cmd/store-output.ts).
 */
export function summaryLines(
  report: SyncReport,
  bytes: (n: number) => string,
  count: (n: number, noun: string) => string,
): string[] {
  const verb = report.dryRun ? "would add" : "added";
  const lines = report.targets.map((t) => {
    const s = t.summary;
    const files = t.packages.reduce((sum, p) => sum + p.files.length, 0);
    const toAdd = report.dryRun ? files - s.filesSkipped : s.filesAdded;
    return (
      `${t.target}: ${count(s.projects, "project")}, ${count(toAdd, "file")} ${verb}` +
      `${report.dryRun ? "" : ` (${bytes(s.bytesAdded)})`}, ${s.filesSkipped} already stored` +
      `${s.filesFailed ? `, ${s.filesFailed} failed` : ""}, resolved in ${(s.resolveMs / 1000).toFixed(1)} s`
    );
  });
  for (const c of report.yankChanges) {
    const now =
      c.yanked === false
        ? "no longer yanked by its index"
        : `yanked by its index since it was stored${quotedReason(c.yanked)}`;
    lines.push(
      `${c.filename}: ${now}; the store ${report.dryRun ? "would mark" : "now marks"} it ${c.yanked === false ? "not yanked" : "yanked"}`,
    );
  }
  const { provenance } = report;
  if (provenance.kept > 0 || provenance.failed.length > 0) {
    lines.push(
      `provenance (PEP 740): ${count(provenance.kept, "attestation set")} kept` +
        `${provenance.failed.length ? `, ${provenance.failed.length} not kept (see the warnings)` : ""}`,
    );
  }
  const total = report.summary;
  lines.push(
    report.dryRun
      ? `dry run: ${count(total.files, "file")} resolved, nothing downloaded (${(total.elapsedMs / 1000).toFixed(1)} s)`
      : `total: ${count(total.filesAdded, "file")} added (${bytes(total.bytesAdded)}), ${total.filesSkipped} skipped, ` +
          `${report.failed.length} failed in ${(total.elapsedMs / 1000).toFixed(1)} s`,
  );
  return lines;
}

/** What a PEP 792 status means for a user of the project, by status. */
const STATUS_MEANING: Record<string, string> = {
  archived: "it expects no further releases",
  deprecated: "it is considered obsolete and may have been superseded",
  quarantined: "it is considered unsafe (e.g. malware), and the index offers none of its files",
};

/**
 * The warning for a project status an index stated (PEP 792), e.g. `project "lib" is archived on
 * https://pypi.org/simple/ ("moved to lib2"): it expects no further releases`.
 */
export function projectStatusWarning(note: ProjectStatusNote): string {
  const reason = quotedReason(note.reason);
  const meaning = STATUS_MEANING[note.status];
  return meaning === undefined
    ? `project ${JSON.stringify(note.project)} has the status ${JSON.stringify(note.status)} on ${note.index}${reason}`
    : `project ${JSON.stringify(note.project)} is ${note.status} on ${note.index}${reason}: ${meaning}`;
}
