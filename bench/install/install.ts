// bench:install — `wheelhouse install` against `pip install --no-index --find-links` into fresh
// venvs, side by side: the corpus closure (when ../shared/corpus is there) and a closure of 120
// generated wheels, without and with bytecode compilation. Prints both times and the ratio.
// Run: npm run bench:install (builds dist first).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../../tests/helpers/cli.js";
import { buildWheel, writeDistributions } from "../../tests/helpers/wheels.js";

const CORPUS = join(CLI, "..", "..", "..", "..", "shared", "corpus");
const root = mkdtempSync(join(tmpdir(), "wh-bench-install-"));

function time(file: string, args: string[]): number {
  const start = performance.now();
  execFileSync(file, args, { stdio: ["ignore", "ignore", "inherit"] });
  return (performance.now() - start) / 1000;
}

function venv(name: string): string {
  const dir = join(root, name);
  execFileSync("python3", ["-m", "venv", "--without-pip", dir]);
  return dir;
}

function compare(label: string, links: string, reqFile: string, compile: boolean): void {
  const ours = venv(`ours-${label}-${compile}`);
  const theirs = venv(`pip-${label}-${compile}`);
  const t1 = time(process.execPath, [
    CLI,
    "install",
    "--no-store",
    "--python",
    join(ours, "bin", "python"),
    "-f",
    links,
    "-r",
    reqFile,
    ...(compile ? ["--compile"] : []),
  ]);
  // pip from the base interpreter, installing into the other venv (--python is pip >= 22.3).
  const t2 = time("python3", [
    "-m",
    "pip",
    "--python",
    join(theirs, "bin", "python"),
    "install",
    "-q",
    "--disable-pip-version-check",
    "--no-index",
    "--find-links",
    links,
    "-r",
    reqFile,
    compile ? "--compile" : "--no-compile",
  ]);
  console.log(
    `${label.padEnd(24)} ${compile ? "compile   " : "no compile"}  wheelhouse ${t1.toFixed(2)}s  pip ${t2.toFixed(2)}s  ratio ${(t2 / t1).toFixed(1)}x`,
  );
}

async function generated(count: number): Promise<[string, string]> {
  const dir = join(root, "generated");
  mkdirSync(dir);
  const wheels = [];
  for (let i = 0; i < count; i++) {
    const files: Record<string, string> = {};
    for (let j = 0; j < 12; j++)
      files[`gen_${i}/mod_${j}.py`] = `def f${j}(x):\n    return x * ${j}\n`.repeat(20);
    files[`gen_${i}/__init__.py`] = "";
    wheels.push(
      await buildWheel({
        name: `gen-${i}`,
        version: "1.0",
        files,
        requiresDist: i + 1 < count ? [`gen-${i + 1}`] : [],
      }),
    );
  }
  await writeDistributions(dir, wheels);
  const req = join(root, "generated.txt");
  writeFileSync(req, "gen-0\n");
  return [dir, req];
}

try {
  if (existsSync(join(CORPUS, "wheels"))) {
    for (const c of [false, true])
      compare(
        "corpus (31 wheels)",
        join(CORPUS, "wheels"),
        join(CORPUS, "wheels-requirements.txt"),
        c,
      );
  }
  const [dir, req] = await generated(120);
  for (const c of [false, true]) compare("generated (120 wheels)", dir, req, c);
} finally {
  rmSync(root, { recursive: true, force: true });
}
