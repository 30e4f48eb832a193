// What `wheelhouse sync` shows while it works, on stderr: on a terminal, an overall bar (bytes
// and files) with one bar per file in flight; otherwise one plain line per step, so logs and CI
// output stay readable. stdout is left to the summary or the --json report.
// Trap: cli-progress redraws in place; lines printed meanwhile go through the MultiBar's log()
// or they are overwritten by the next redraw.

import cliProgress from "cli-progress";
import type { FileOutcome, PlannedFile, SyncEvents } from "../mirror/sync/types.js";
import { formatBytes, plural } from "./store-output.js";

/** SyncEvents plus `stop()` to tear the display down (idempotent). */
export interface SyncProgress extends SyncEvents {
  stop(): void;
}

function outcomeLine(outcome: FileOutcome): string {
  const { file } = outcome.planned;
  if (outcome.status === "failed") {
    return `error: ${outcome.message}${outcome.hint ? `\nhint: ${outcome.hint}` : ""}`;
  }
  return `${outcome.status} ${file.filename}${file.size !== undefined ? ` (${formatBytes(file.size)})` : ""}`;
}

/** Plain lines on `stream`, one per step. */
function createLineProgress(stream: NodeJS.WritableStream): SyncProgress {
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    onResolveStart: (target) => write(`resolving for ${target}`),
    onResolved: (target, packages, ms) =>
      write(`resolved ${target}: ${plural(packages, "file")} in ${(ms / 1000).toFixed(1)} s`),
    onDownloadStart: (files, bytes) => {
      // Sizes come from the index (PEP 700) or not at all (a plain HTML page): say what is known.
      const known = files.filter((p) => p.file.size !== undefined).length;
      const size =
        known === 0 ? "" : ` (${known < files.length ? "at least " : ""}${formatBytes(bytes)})`;
      write(`downloading ${files.length} file${files.length === 1 ? "" : "s"}${size}`);
    },
    onFileDone: (outcome) => write(outcomeLine(outcome)),
    onWarning: (message) => write(`warning: ${message}`),
    stop: () => {},
  };
}

/** Bars on a terminal: overall bytes and files, and one bar per file in flight. */
function createBarProgress(stream: NodeJS.WriteStream): SyncProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: true,
      format: "{bar} {percentage}% | {done} | {label}",
      formatValue: (v, _o, type) =>
        type === "value" || type === "total" ? formatBytes(v) : `${v}`,
    },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  let filesDone = 0;
  let filesTotal = 0;
  let bytesDone = 0;
  let bytesTotal = 0;
  const inFlight = new Map<PlannedFile, { bar: cliProgress.SingleBar; bytes: number }>();
  const overallPayload = () => ({
    done: `${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}`,
    label: `${filesDone}/${filesTotal} files`,
  });
  let stopped = false;
  return {
    onResolveStart: (target) => multi.log(`resolving for ${target}\n`),
    onWarning: (message) => multi.log(`warning: ${message}\n`),
    onResolved: (target, packages, ms) =>
      multi.log(`resolved ${target}: ${plural(packages, "file")} in ${(ms / 1000).toFixed(1)} s\n`),
    onDownloadStart: (files, bytes) => {
      filesTotal = files.length;
      bytesTotal = bytes;
      if (files.length > 0) overall = multi.create(Math.max(bytes, 1), 0, overallPayload());
    },
    onFileStart: (planned) => {
      const bar = multi.create(Math.max(planned.file.size ?? 1, 1), 0, {
        done: "",
        label: planned.file.filename,
      });
      inFlight.set(planned, { bar, bytes: 0 });
    },
    onBytes: (planned, bytes) => {
      bytesDone += bytes;
      const entry = inFlight.get(planned);
      if (entry) {
        entry.bytes += bytes;
        entry.bar.update(entry.bytes, {
          done: formatBytes(entry.bytes),
          label: planned.file.filename,
        });
      }
      overall?.update(bytesDone, overallPayload());
    },
    onFileDone: (outcome) => {
      const entry = inFlight.get(outcome.planned);
      if (entry) {
        multi.remove(entry.bar);
        inFlight.delete(outcome.planned);
      }
      filesDone++;
      if (outcome.status === "failed") multi.log(`${outcomeLine(outcome)}\n`);
      overall?.update(bytesDone, overallPayload());
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}

/** `-q`: only what failed and warnings, as plain lines. */
function createQuietProgress(stream: NodeJS.WritableStream): SyncProgress {
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    onFileDone: (outcome) => {
      if (outcome.status === "failed") write(outcomeLine(outcome));
    },
    onWarning: (message) => write(`warning: ${message}`),
    stop: () => {},
  };
}

/**
 * The display for this process: bars when stderr is a terminal, else plain lines; with `quiet`
 * (`-q`), only failures and warnings.
 */
export function createSyncProgress(
  stream: NodeJS.WriteStream = process.stderr,
  quiet = false,
): SyncProgress {
  if (quiet) return createQuietProgress(stream);
  return stream.isTTY === true ? createBarProgress(stream) : createLineProgress(stream);
}
