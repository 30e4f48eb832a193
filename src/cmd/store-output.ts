// Output helpers shared by the store commands (add, list, verify, gc, du): byte sizes, JSON on
// stdout, and a per-file progress display: a bar on a TTY when there are many files, plain
// lines otherwise (logs and pipes stay readable).
// Trap: the bar draws on stderr so `--json` stdout stays machine-readable.

import cliProgress from "cli-progress";

/** "1 file", "2 files": a count with its noun, singular or plural. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** "12.3 MB" style size (SI units), for humans. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Print `value` as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Files at or above which a TTY gets a progress bar instead of one line per file. */
const BAR_THRESHOLD = 10;

/** A per-item progress display. */
export interface FileProgress {
  /** One item done; `line` is printed when there is no bar. */
  tick(line: string): void;
  /** Print a line above the bar (errors), or plainly. */
  log(line: string, stream?: NodeJS.WriteStream): void;
  stop(): void;
}

/**
 * A progress display for `total` items. `quiet` (--json) shows nothing per item; a TTY stderr
 * with at least 10 items gets a bar; otherwise each item is a line on stdout unless `lines` is
 * false.
 */
export function createFileProgress(total: number, quiet: boolean, lines = true): FileProgress {
  const useBar = !quiet && process.stderr.isTTY === true && total >= BAR_THRESHOLD;
  if (!lines) quiet = true;
  if (!useBar) {
    return {
      tick: (line) => {
        if (!quiet) process.stdout.write(`${line}\n`);
      },
      log: (line, stream = process.stderr) => stream.write(`${line}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{bar} {value}/{total} files",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let running = true;
  return {
    tick: () => bar.increment(),
    log: (line) => {
      process.stderr.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** The closing line of bundle and export: what was written, how big, and its sha256. */
export function archiveLine(
  output: string,
  files: { size: number }[],
  size: number,
  sha256: string,
): string {
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  return (
    `wrote ${output}: ${plural(files.length, "file")} (${formatBytes(bytes)}), ` +
    `archive ${formatBytes(size)}, sha256 ${sha256}\n`
  );
}

/** The fields of an archive every --json report of bundle and export starts with. */
export function archiveJson(report: { output: string; sha256: string; size: number }) {
  return { output: report.output, sha256: report.sha256, size: report.size };
}
