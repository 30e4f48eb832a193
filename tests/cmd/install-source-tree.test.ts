// `wheelhouse install ./proj` (a source tree: a directory with pyproject.toml or setup.py), as
// `pip install --no-index --find-links DIR ./proj` takes it, with the real pip building and
// judging: the directory is built offline into a wheel by the target interpreter's pip (its
// build requirements from the same local sources), that wheel is the one candidate for its
// project, its dependencies come from the sources, direct_url.json (PEP 610) says `dir_info`,
// so `pip freeze` says `name @ file:///...`; a requirements-file line names a directory too.
// Refused, naming the requirement, before anything changes: a name before `@` that is not the
// built project's, a directory that is not a project, a build requirement no source has,
// hash-checking, `-e`. sync and bundle keep refusing directories with what to do.
//
// The projects build with a backend in the tree itself (PEP 517 `backend-path`, no build
// requirement), so the tests need nothing from an index; the setuptools case takes setuptools
// and wheel from the shared corpus (Python 3.11's ensurepip bundles setuptools 65, whose
// build_meta also asks for `wheel`, which it does not bundle).

import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRequirementInputs } from "../../src/mirror/install/inputs.js";
import { CLI, type Ran, runProcess, wheelhouse } from "../helpers/cli.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { errorOf } from "../helpers/error-of.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";
import { listTree } from "../mirror/install/env.js";
import { sitePackages } from "./install-cli.js";

let root: string;
/** A find-links folder: st-dep 1.0 and st-extra 1.0 (st-app's dependency and its extra's). */
let links: string;
/** st-app 1.0: a source tree with an in-tree backend; requires st-dep, extra "cli" st-extra. */
let app: string;
/** A venv that sees the base interpreter's pip (building needs pip in the target). */
let venv: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-source-tree-"));
  links = join(root, "links");
  mkdirSync(links);
  await writeDistributions(links, [
    await buildWheel({ name: "st-dep", version: "1.0" }),
    await buildWheel({ name: "st-extra", version: "1.0" }),
  ]);
  app = join(root, "src", "app");
  writeProject(app, {
    name: "st-app",
    requiresDist: ["st-dep", 'st-extra ; extra == "cli"'],
    providesExtra: ["cli"],
  });
  venv = join(root, "venv");
  execFileSync("python3", ["-m", "venv", "--without-pip", "--system-site-packages", venv]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A PEP 517 backend kept in the tree (`backend-path = ["."]`): build_wheel zips the package
 * folder `<name with _>/` with METADATA, WHEEL and RECORD; it needs no build requirement.
 */
const BACKEND = `import base64, hashlib, json, os, zipfile

with open("project.json") as f:
    PROJECT = json.load(f)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist = PROJECT["name"].replace("-", "_")
    filename = f"{dist}-{PROJECT['version']}-py3-none-any.whl"
    info = f"{dist}-{PROJECT['version']}.dist-info"
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as z:
        def add(path, data):
            z.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{path},sha256={digest.decode()},{len(data)}")
        for folder, _, files in os.walk(dist):
            for name in sorted(files):
                with open(os.path.join(folder, name), "rb") as f:
                    add(f"{folder}/{name}".replace(os.sep, "/"), f.read())
        meta = ["Metadata-Version: 2.1", f"Name: {PROJECT['name']}", f"Version: {PROJECT['version']}"]
        meta += [f"Provides-Extra: {e}" for e in PROJECT["providesExtra"]]
        meta += [f"Requires-Dist: {r}" for r in PROJECT["requiresDist"]]
        add(f"{info}/METADATA", ("\\n".join(meta) + "\\n").encode())
        add(f"{info}/WHEEL", b"Wheel-Version: 1.0\\nGenerator: tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
        record.append(f"{info}/RECORD,,")
        z.writestr(f"{info}/RECORD", "\\n".join(record) + "\\n")
    return filename
`;

/** Write a source tree at `dir` whose in-tree backend builds `name` 1.0 (module: VALUE = 7). */
function writeProject(
  dir: string,
  project: { name: string; requiresDist?: string[]; providesExtra?: string[] },
): void {
  const module = project.name.replaceAll("-", "_");
  mkdirSync(join(dir, module), { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
  );
  writeFileSync(join(dir, "backend.py"), BACKEND);
  writeFileSync(
    join(dir, "project.json"),
    JSON.stringify({ requiresDist: [], providesExtra: [], version: "1.0", ...project }),
  );
  writeFileSync(join(dir, module, "__init__.py"), "VALUE = 7\n");
}

/** `wheelhouse install ARGS` run in `cwd`, with no default store (as runInstall). */
function installIn(cwd: string, args: string[]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(root, "xdg") };
  delete env.WHEELHOUSE_STORE;
  return runProcess(process.execPath, [CLI, "install", ...args], { env, cwd });
}

const python = () => join(venv, "bin", "python");

/** The real pip's output, in the venv, for the venv's own packages. */
function pip(args: string[]): string {
  return execFileSync(python(), ["-m", "pip", ...args, "--local"], {
    encoding: "utf8",
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" },
  });
}

describe("install's requirement inputs", () => {
  it("take paths and lines of directories out as source trees, with extras, markers and where they came from", () => {
    const dir = join(root, "inputs");
    mkdirSync(join(dir, "nested"), { recursive: true });
    const main = join(dir, "requirements.txt");
    const nested = join(dir, "nested", "more.txt");
    const url = pathToFileURL(app).href;
    writeFileSync(
      main,
      `# app\n../src/app[cli] ; python_version >= "3" \\\n  --hash=sha256:${"a".repeat(64)}\nst-dep\n-r nested/more.txt\n`,
    );
    writeFileSync(nested, `st-app @ ${url}\n../../src/app\n`);
    const inputs = readRequirementInputs([app, `st-app[cli] @ ${url}`], [main], []);
    expect(inputs.requirements.map((r) => r.name)).toEqual(["st-dep"]);
    expect(inputs.sourceTrees).toEqual([
      { dir: app, extras: [], requirement: app },
      { dir: app, name: "st-app", extras: ["cli"], requirement: `st-app[cli] @ ${url}` },
      {
        dir: app,
        extras: ["cli"],
        marker: 'python_version >= "3"',
        requirement: '../src/app[cli] ; python_version >= "3"',
        origin: { file: main, line: 2 },
      },
      {
        dir: app,
        name: "st-app",
        extras: [],
        requirement: `st-app @ ${url}`,
        origin: { file: nested, line: 1 },
      },
      { dir: app, extras: [], requirement: "../../src/app", origin: { file: nested, line: 2 } },
    ]);
    // The --hash of a source-tree line turns hash-checking on; it leaves no digest.
    expect(inputs.requireHashes).toBe(true);
    expect([...inputs.hashes.keys()]).toEqual([]);
  });

  it("take `./DIR` of a requirements file named relative to the current directory", () => {
    const dir = join(root, "relative-inputs");
    mkdirSync(join(dir, "reqs"), { recursive: true });
    writeFileSync(join(dir, "requirements.txt"), "./app-link\n");
    writeFileSync(join(dir, "reqs", "more.txt"), "../app-link[cli]\n");
    cpSync(app, join(dir, "app-link"), { recursive: true });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const inputs = readRequirementInputs([], ["requirements.txt", "reqs/more.txt"], []);
      expect(inputs.sourceTrees).toEqual([
        {
          dir: join(dir, "app-link"),
          extras: [],
          requirement: "./app-link",
          origin: { file: "requirements.txt", line: 1 },
        },
        {
          dir: join(dir, "app-link"),
          extras: ["cli"],
          requirement: "../app-link[cli]",
          origin: { file: "reqs/more.txt", line: 1 },
        },
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("refuse a source tree as a constraint, a missing directory and a file that names no project, with file and line", () => {
    const dir = join(root, "refused-inputs");
    mkdirSync(dir, { recursive: true });
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const constraints = write("constraints.txt", "st-dep<2\n../src/app\n");
    const including = write("requirements.txt", "st-dep\n-c constraints.txt\n");
    const expected = {
      code: "INVALID_REQUIREMENTS_FILE",
      message: `${constraints}:2: constraint "../src/app" names a source tree, which cannot be a constraint`,
      hint: "give the directory as a requirement (-r or an argument), or constrain its project by name",
    };
    expect(errorOf(() => readRequirementInputs([], [including], []))).toEqual(expected);
    expect(errorOf(() => readRequirementInputs([], [], [constraints]))).toEqual(expected);
    const missing = write("missing.txt", "# none\n./nowhere[cli]\n");
    expect(errorOf(() => readRequirementInputs([], [missing], []))).toMatchObject({
      code: "DIRECT_REFERENCE_NOT_FOUND",
      message: `${missing}:2: requirement "./nowhere[cli]" names "${join(dir, "nowhere")}", which does not exist`,
    });
    const file = write("file.txt", "./missing.txt\n");
    expect(errorOf(() => readRequirementInputs([], [file], []))).toEqual({
      code: "INVALID_REQUIREMENTS_FILE",
      message: `${file}:1: line "./missing.txt" is invalid: the project name of "./missing.txt" is unknown`,
      hint: "write it as `name @ url`, or add #egg=name to the URL",
    });
  });
});

describe("install builds a source tree into a wheel", () => {
  it("installs ./DIR and its dependency; direct_url.json has dir_info, as pip freeze and pip list read it", async () => {
    const ran = await installIn(join(root, "src"), [
      "--venv",
      venv,
      "--no-store",
      "-f",
      links,
      "./app",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/^built st_app-1\.0-py3-none-any\.whl$/m);
    expect(ran.stdout).toMatch(/^2 installed, 0 kept, 0 removed in /m);
    expect(
      execFileSync(python(), ["-c", "import st_app; print(st_app.VALUE)"], { encoding: "utf8" }),
    ).toBe("7\n");
    const distInfo = join(sitePackages(venv), "st_app-1.0.dist-info");
    const url = pathToFileURL(app).href;
    expect(JSON.parse(readFileSync(join(distInfo, "direct_url.json"), "utf8"))).toEqual({
      url,
      dir_info: {},
    });
    expect(readFileSync(join(distInfo, "RECORD"), "utf8")).toMatch(
      /^st_app-1\.0\.dist-info\/direct_url\.json,sha256=[\w-]+,\d+$/m,
    );
    expect(pip(["freeze"]).trim().split("\n").sort()).toEqual([`st-app @ ${url}`, "st-dep==1.0"]);
    const listed = JSON.parse(pip(["list", "--format", "json"])) as {
      name: string;
      version: string;
    }[];
    expect(listed.map((p) => `${p.name} ${p.version}`).sort()).toEqual([
      "st-app 1.0",
      "st-dep 1.0",
    ]);
    // The same version again is built and installed again, as pip reinstalls "a local sdist or path".
    const again = await installIn(root, ["--venv", venv, "--no-store", "-f", links, app]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^installed st-app 1\.0\n1 installed, 1 kept, 1 removed in /m);
  });

  it("takes a directory line of a requirements file (from that file's folder), with extras; --dry-run builds and changes nothing", async () => {
    const reqs = join(root, "reqs");
    mkdirSync(reqs, { recursive: true });
    const file = join(reqs, "requirements.txt");
    writeFileSync(file, '# the app itself\n../src/app[cli] ; python_version >= "3"\nst-dep==1.0\n');
    const before = listTree(venv);
    const dry = await installIn(tmpdir(), [
      ...["--venv", venv, "--no-store", "-f", links, "-r", file],
      ...["--dry-run", "--report", "-"],
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/^built st_app-1\.0-py3-none-any\.whl$/m);
    const report = JSON.parse(dry.stdout) as {
      install: {
        download_info: Record<string, unknown>;
        is_direct: boolean;
        requested: boolean;
        requested_extras?: string[];
        metadata: { name: string };
      }[];
    };
    const entry = report.install.find((i) => i.metadata.name === "st-app");
    expect(entry).toEqual(
      expect.objectContaining({
        download_info: { url: pathToFileURL(app).href, dir_info: {} },
        is_direct: true,
        requested: true,
        requested_extras: ["cli"],
      }),
    );
    expect(report.install.map((i) => i.metadata.name).sort()).toEqual(["st-app", "st-extra"]);
    expect(listTree(venv)).toEqual(before);
    const ran = await installIn(tmpdir(), ["--venv", venv, "--no-store", "-f", links, "-r", file]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readdirSync(sitePackages(venv))).toContain("st_extra-1.0.dist-info");
  });

  it("takes `name @ file:///dir`, and refuses another project's name, naming both", async () => {
    const url = pathToFileURL(app).href;
    const named = await installIn(root, [
      ...["--venv", venv, "--no-store", "-f", links, "--dry-run"],
      `st-app @ ${url}`,
    ]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/^would install st-app 1\.0$/m);
    const before = listTree(venv);
    const ran = await installIn(root, [
      "--venv",
      venv,
      "--no-store",
      "-f",
      links,
      `other @ ${url}`,
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(
      `error: requirement "other @ ${url}": the requirement names "other", but source tree "${app}" builds "st-app" (st_app-1.0-py3-none-any.whl)`,
    );
    expect(ran.stderr).toMatch(/^hint: write st-app @ file:/m);
    expect(listTree(venv)).toEqual(before);
  });

  it("refuses a directory that is not a Python project, naming it (and the file and line)", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty, { recursive: true });
    const reason = `directory "${empty}" does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found`;
    const ran = await installIn(root, ["--venv", venv, "--no-store", "-f", links, "./empty"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`error: requirement "./empty": ${reason}\n`);
    const file = join(root, "empty-requirements.txt");
    // The line is counted as the parser counts it: comments, continuations and blank lines too.
    writeFileSync(file, "# deps\nst-dep \\\n  ==1.0\n\n./empty\n");
    const fromFile = await installIn(tmpdir(), ["--venv", venv, "--no-store", "-r", file]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain(`error: ${file}:5: requirement "./empty": ${reason}\n`);
    const missing = await installIn(root, ["--venv", venv, "--no-store", "./src/missing"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `error: requirement "./src/missing" names "${join(root, "src", "missing")}", which does not exist\n`,
    );
  });

  it("names the build requirement no local source has", async () => {
    const dir = join(root, "needs-backend");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "pyproject.toml"),
      '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "needs-backend"\nversion = "1.0"\n',
    );
    const before = listTree(venv);
    const ran = await installIn(root, ["--venv", venv, "--no-store", "-f", links, dir]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(
      `error: source tree "${dir}" needs the build requirement "hatchling", which no local source has\n`,
    );
    expect(ran.stderr).toMatch(/^hint: put its wheel in a --find-links directory or the store/m);
    expect(listTree(venv)).toEqual(before);
  });

  it("refuses a source tree with hash-checking on, before building it, as pip does", async () => {
    const ran = await installIn(root, ["--venv", venv, "--no-store", "--require-hashes", app]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(
      /^error: requirement ".*app" names source tree ".*app", whose hash cannot be checked: hash-checking mode/m,
    );
    expect(ran.stderr).not.toMatch(/^built /m);
    const file = join(root, "hashed-requirements.txt");
    writeFileSync(file, `./src/app --hash=sha256:${"0".repeat(64)}\n`);
    const fromFile = await installIn(tmpdir(), ["--venv", venv, "--no-store", "-r", file]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(
      new RegExp(`^error: ${file}:1: requirement "./src/app" names source tree`, "m"),
    );
  });

  it("refuses -e, saying to give the directory without it", async () => {
    const ran = await installIn(root, ["--venv", venv, "--no-store", "-e", "./src/app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(
      /^error: editable installs \(-e\) are not supported: "-e \.\/src\/app"$/m,
    );
    expect(ran.stderr).toMatch(/^hint: install the directory without -e/m);
    const file = join(root, "editable-requirements.txt");
    writeFileSync(file, "-e ./src/app\n");
    const fromFile = await installIn(root, ["--venv", venv, "--no-store", "-r", file]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(/^hint: install the directory without -e/m);
  });

  it("sync and bundle still refuse a source tree, saying how to build its wheel and that install takes it", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(root, "xdg") };
    delete env.WHEELHOUSE_STORE;
    const store = join(root, "store");
    const requirement = `st-app @ ${pathToFileURL(app).href}`;
    for (const args of [
      ["sync", "--store", store, "-i", "http://127.0.0.1:9/simple/", requirement],
      ["bundle", "--store", store, "-o", join(root, "b.tar.gz"), requirement],
    ]) {
      const ran = await wheelhouse(args, env);
      expect(ran.code, args[0]).toBe(1);
      expect(ran.stderr).toContain(
        `error: requirement "${requirement}": "${app}" is a directory (a source tree); sync and bundle carry built distributions (wheels and sdists)\n`,
      );
      expect(ran.stderr).toMatch(
        /^hint: build its wheel \(python3 -m pip wheel --no-deps -w wheels .*\).*`wheelhouse install DIR`/m,
      );
    }
  });

  describe.skipIf(!HAS_CORPUS)("with setuptools from a --find-links folder", () => {
    it("builds a setuptools project offline and installs it with its dependency", async () => {
      const backend = join(root, "setuptools-links");
      mkdirSync(backend);
      for (const n of readdirSync(corpusPath("build"))) {
        if (/^(setuptools|wheel)-.*\.whl$/.test(n))
          copyFileSync(corpusPath("build", n), join(backend, n));
      }
      const dir = join(root, "st-tools");
      mkdirSync(join(dir, "st_tools"), { recursive: true });
      writeFileSync(join(dir, "st_tools", "__init__.py"), "VALUE = 11\n");
      writeFileSync(
        join(dir, "pyproject.toml"),
        [
          "[build-system]",
          'requires = ["setuptools>=61", "wheel"]',
          'build-backend = "setuptools.build_meta"',
          "",
          "[project]",
          'name = "st-tools"',
          'version = "2.0"',
          'dependencies = ["st-dep"]',
          "",
          "[tool.setuptools]",
          'packages = ["st_tools"]',
          "",
        ].join("\n"),
      );
      const fresh = join(root, "setuptools-venv");
      execFileSync("python3", ["-m", "venv", "--without-pip", "--system-site-packages", fresh]);
      const ran = await installIn(root, [
        ...["--venv", fresh, "--no-store", "-f", backend, "-f", links, "./st-tools"],
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^installed st-dep 1\.0$/m);
      expect(ran.stdout).toMatch(/^installed st-tools 2\.0$/m);
      const py = join(fresh, "bin", "python");
      expect(
        execFileSync(py, ["-c", "import st_tools; print(st_tools.VALUE)"], { encoding: "utf8" }),
      ).toBe("11\n");
      const distInfo = join(sitePackages(fresh), "st_tools-2.0.dist-info");
      expect(existsSync(join(distInfo, "direct_url.json"))).toBe(true);
      expect(JSON.parse(readFileSync(join(distInfo, "direct_url.json"), "utf8"))).toEqual({
        url: pathToFileURL(dir).href,
        dir_info: {},
      });
    });
  });
});
