// Byte-compiling what an install wrote, with the target interpreter's compileall, as pip does by
// default: the .pyc files are then recorded in each wheel's RECORD.
// Spec: https://docs.python.org/3/library/compileall.html ,
// https://packaging.python.org/en/latest/specifications/recording-installed-packages/
// Traps:
// - compileall returns non-zero when any file fails to compile (Python 2 templates inside
//   packages are common); like pip, that is not an error: the .pyc files that exist are recorded.
// - compileall compiles the files it is given one by one (its -j only spreads directories over
//   processes): one process per core, each given every n-th file, is what uses the cores.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import type { InterpreterInfo } from "../interpreter.js";

/**
 * Byte-compile `files` (absolute .py paths) with the interpreter `info`; source path -> .pyc
 * path (`__pycache__/<name>.<cache tag>.pyc`) of those whose .pyc exists afterwards.
 * Never throws for a file that does not compile.
 */
export async function compilePyc(
  info: InterpreterInfo,
  files: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (files.length === 0) return out;
  const processes = Math.max(1, Math.min(availableParallelism(), Math.ceil(files.length / 50)));
  await Promise.all(
    Array.from(
      { length: processes },
      (_, p) =>
        new Promise<void>((done) => {
          const child = execFile(info.executable, ["-m", "compileall", "-q", "-i", "-"], () =>
            done(),
          );
          const mine = files.filter((_, i) => i % processes === p);
          child.stdin?.end(`${mine.join("\n")}\n`);
        }),
    ),
  );
  const tag = info.cacheTag ?? `cpython-${info.version[0]}${info.version[1]}`;
  for (const f of files) {
    const pyc = join(dirname(f), "__pycache__", `${basename(f, ".py")}.${tag}.pyc`);
    if (existsSync(pyc)) out.set(f, pyc);
  }
  return out;
}
