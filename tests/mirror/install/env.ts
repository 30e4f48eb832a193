// Test helper for install tests: a fresh venv (without pip unless asked: fast) and a listing of
// every path in it, to prove a failed install changed nothing.
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** Create a venv at `dir` with python3; with pip only when `pip` is true. */
export function makeVenv(dir: string, pip = false): string {
  execFileSync("python3", ["-m", "venv", ...(pip ? [] : ["--without-pip"]), dir]);
  return join(dir, "bin", "python");
}

/** Every path under `dir` with its size (or link target), sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(p, r);
      } else out.push(`${r} ${lstatSync(p).size}`);
    }
  };
  walk(dir, "");
  return out.sort();
}
