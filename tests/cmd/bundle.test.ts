// The air-gap proofs through the built CLI and real pip: bundle the corpus closure (generated
// wheels when the corpus is absent) for this machine's python, install it with install.sh in a
// fresh venv with no index, refuse a tampered wheel (install.sh and import), import into an
// empty store, verify, serve it to pip; export, delta export, import base then delta.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { CORPUS_DIR, corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

const exec = promisify(execFile);
const HAS_PYTHON = await exec("python3", ["-c", "import venv, ensurepip"]).then(
  () => true,
  () => false,
);

let root: string;
let wheels: string;
let requirements: string;
let modules: string[];
const store = () => join(root, "store");

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "wh-cli-bundle-"));
  if (HAS_CORPUS) {
    wheels = corpusPath("wheels");
    requirements = corpusPath("wheels-requirements.txt");
    modules = ["flask", "requests", "httpx", "pydantic", "rich", "attrs", "dateutil", "yaml"];
    modules.push("packaging", "sqlalchemy", "click", "typing_extensions");
  } else {
    wheels = join(root, "wheels");
    await mkdir(wheels);
    await writeDistributions(wheels, [
      await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] }),
      await buildWheel({ name: "lib", version: "2.1" }),
    ]);
    requirements = join(root, "requirements.txt");
    await writeFile(requirements, "app\n");
    modules = ["app", "lib"];
  }
  const added = await wheelhouse(["add", "--store", store(), wheels]);
  expect(added.code, added.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function venv(name: string): Promise<string> {
  const dir = join(root, name);
  await exec("python3", ["-m", "venv", dir]);
  return join(dir, "bin", "python");
}

async function extract(archive: string, name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await exec("tar", ["xzf", archive, "-C", dir]);
  return dir;
}

const readdirNames = (dir: string) => readdir(dir);

const offline = { ...process.env, PIP_NO_INDEX: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" };

describe.skipIf(!HAS_PYTHON)(
  `bundle for this machine's python (${HAS_CORPUS ? CORPUS_DIR : "generated wheels"})`,
  () => {
    const bundle = () => join(root, "b1.tar.gz");

    it("is byte-identical when built twice", async () => {
      for (const out of [bundle(), join(root, "b2.tar.gz")]) {
        const r = await wheelhouse(["bundle", "--store", store(), "-r", requirements, "-o", out]);
        expect(r.code, r.stderr).toBe(0);
      }
      const [a, b] = await Promise.all([readFile(bundle()), readFile(join(root, "b2.tar.gz"))]);
      expect(a.equals(b)).toBe(true);
    }, 60_000);

    it("installs with install.sh into a fresh venv with no index, and the imports work", async () => {
      const dir = await extract(bundle(), "x");
      const python = await venv("venv1");
      const ran = await runProcess("sh", [join(dir, "install.sh"), "-q"], {
        env: { ...offline, PYTHON: python },
        timeoutMs: 180_000,
      });
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toContain("all files verified");
      const imported = await runProcess(python, ["-c", `import ${modules.join(", ")}`]);
      expect(imported.code, imported.stderr).toBe(0);
    }, 240_000);

    it("installs from its pylock.toml with wheelhouse install -r (PEP 751), nothing else", async () => {
      const dir = await extract(bundle(), "lock-install");
      const python = await venv("venv-lock");
      const ran = await wheelhouse([
        "install",
        "--python",
        python,
        "--no-store",
        "-r",
        join(dir, "pylock.toml"),
        "--json",
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      const lock = await readFile(join(dir, "pylock.toml"), "utf8");
      const installed = (JSON.parse(ran.stdout) as { installed: { name: string }[] }).installed;
      expect(installed.length).toBe((lock.match(/^\[\[packages\]\]$/gm) ?? []).length);
      const imported = await runProcess(python, ["-c", `import ${modules.join(", ")}`]);
      expect(imported.code, imported.stderr).toBe(0);
    }, 240_000);

    it("refuses a tampered wheel in install.sh and in import, naming it", async () => {
      const dir = await extract(bundle(), "tampered");
      const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as {
        files: { path: string }[];
        documents: { path: string }[];
      };
      const victim = manifest.files[manifest.files.length - 1].path;
      const bytes = await readFile(join(dir, victim));
      bytes[bytes.length >> 1] ^= 0xff;
      await writeFile(join(dir, victim), bytes);

      const python = await venv("venv2");
      const ran = await runProcess("sh", [join(dir, "install.sh")], {
        env: { ...offline, PYTHON: python },
      });
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toContain(victim);
      expect(ran.stderr).toContain("nothing was installed");

      const archive = join(root, "tampered.tar.gz");
      const rest = [...manifest.documents.map((d) => d.path), "wheels"];
      await exec("tar", ["czf", archive, "-C", dir, "manifest.json", ...rest]);
      const imported = await wheelhouse(["import", "--store", join(root, "s-tampered"), archive]);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain(victim);
      const listed = await wheelhouse(["list", "--store", join(root, "s-tampered")]);
      expect(listed.stdout).not.toContain(".whl");
    }, 120_000);

    it("bundles exactly the files a pylock.toml lists (-r pylock.toml), without resolving", async () => {
      const first = await extract(bundle(), "from-lock");
      const out = join(root, "from-lock.tar.gz");
      const r = await wheelhouse([
        "bundle",
        "--store",
        store(),
        "-r",
        join(first, "pylock.toml"),
        "-o",
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const again = await extract(out, "from-lock-x");
      const names = async (dir: string) =>
        (
          JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as {
            files: { path: string }[];
          }
        ).files
          .map((f) => f.path)
          .sort();
      expect(await names(again)).toEqual(await names(first));
      const reqs = (
        await readFile(
          join(again, (await readdirNames(again)).find((n) => n.startsWith("requirements-"))!),
          "utf8",
        )
      )
        .split("\n")
        .filter((l) => /^[A-Za-z0-9]/.test(l));
      expect(new Set(reqs.map((l) => l.split("==")[0])).size).toBe(reqs.length); // one line per package

      const lock = join(root, "pylock.missing.toml");
      await writeFile(
        lock,
        'lock-version = "1.0"\ncreated-by = "test"\n\n[[packages]]\nname = "nothere"\nversion = "1.0"\n' +
          '[[packages.wheels]]\nname = "nothere-1.0-py3-none-any.whl"\nurl = "https://example.invalid/nothere-1.0-py3-none-any.whl"\n' +
          `hashes = { sha256 = "${"0".repeat(64)}" }\n`,
      );
      const missing = await wheelhouse([
        "bundle",
        "--store",
        store(),
        "-r",
        lock,
        "-o",
        join(root, "m.tar.gz"),
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("nothere-1.0-py3-none-any.whl");
      expect(missing.stderr).toContain("wheelhouse sync -r pylock.toml");
    }, 60_000);

    it("imports into an empty store that verifies clean and serves pip the same set", async () => {
      const s2 = join(root, "s2");
      const imported = await wheelhouse(["import", "--store", s2, bundle()]);
      expect(imported.code, imported.stderr).toBe(0);
      const verified = await wheelhouse(["verify", "--store", s2]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      const server = await startServe(["--store", s2, "--quiet"]);
      try {
        const python = await venv("venv3");
        const ran = await runProcess(
          python,
          [
            "-m",
            "pip",
            "install",
            "-q",
            "--index-url",
            `${server.url}/simple/`,
            "-r",
            requirements,
          ],
          { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" }, timeoutMs: 180_000 },
        );
        expect(ran.code, ran.stderr).toBe(0);
        const check = await runProcess(python, ["-c", `import ${modules.join(", ")}`]);
        expect(check.code, check.stderr).toBe(0);
      } finally {
        await server.stop();
      }
    }, 240_000);
  },
);

describe("export --since", () => {
  it("carries only new files; base then delta rebuilds the source store", async () => {
    const source = join(root, "s-export");
    await cp(store(), source, { recursive: true });
    const base = join(root, "e1.tar.gz");
    expect((await wheelhouse(["export", "--store", source, "-o", base])).code).toBe(0);
    const more = join(root, "more");
    await mkdir(more);
    await writeDistributions(more, [await buildWheel({ name: "late-addition", version: "1.0" })]);
    expect((await wheelhouse(["add", "--store", source, more])).code).toBe(0);
    const delta = join(root, "e2.tar.gz");
    const made = await wheelhouse([
      "export",
      "--store",
      source,
      "--since",
      base,
      "-o",
      delta,
      "--json",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).files).toBe(1);

    const copy = join(root, "s-copy");
    for (const archive of [base, delta]) {
      const r = await wheelhouse(["import", "--store", copy, archive]);
      expect(r.code, r.stderr).toBe(0);
    }
    // Equal catalogs export to equal bytes (the manifest carries every catalog field but dates).
    const [x, y] = [join(root, "x.tar.gz"), join(root, "y.tar.gz")];
    await wheelhouse(["export", "--store", source, "-o", x]);
    await wheelhouse(["export", "--store", copy, "-o", y]);
    expect((await readFile(x)).equals(await readFile(y))).toBe(true);
  }, 120_000);
});
