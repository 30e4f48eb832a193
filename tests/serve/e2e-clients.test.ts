// End to end: `wheelhouse serve` as a real process over a store of real wheels, judged by the
// real clients: `python3 -m pip` (download, install) and twine (upload). Every stored file has a
// PEP 740 provenance kept, so the pages pip reads are api-version 1.3 with `provenance` URLs.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIMPLE_JSON } from "../../src/pep/simple-json.js";
import { inspectDistribution } from "../../src/store/inspect.js";
import { recordProvenance } from "../../src/store/provenance.js";
import { iterateFiles, listFiles } from "../../src/store/queries.js";
import { closeStore, openStore } from "../../src/store/store.js";
import { runProcess, type ServeProcess, startServe, wheelhouse } from "../helpers/cli.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import { readJson } from "../helpers/json.js";
import { makeProvenance } from "../helpers/provenance.js";
import { buildWheel, writeDistributions } from "../helpers/wheels.js";

let dir: string;
let storeDir: string;
let server: ServeProcess;
let wheelsDir: string;
const TOKEN = "e2e-token";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-e2e-serve-"));
  storeDir = join(dir, "store");
  wheelsDir = HAS_CORPUS ? corpusPath("wheels") : join(dir, "wheels");
  if (!HAS_CORPUS) {
    await mkdir(wheelsDir);
    await writeDistributions(wheelsDir, [
      await buildWheel({ name: "flask", version: "3.1.3", requiresDist: ["blinker>=1.9"] }),
      await buildWheel({ name: "blinker", version: "1.9.0" }),
    ]);
  }
  const added = await wheelhouse(["add", "--store", storeDir, wheelsDir]);
  expect(added.code, added.stderr).toBe(0);
  const store = await openStore(storeDir);
  for (const f of [...iterateFiles(store)]) recordProvenance(store, f, makeProvenance(f), "test");
  closeStore(store);
  server = await startServe(["--store", storeDir, "--upload-token", TOKEN, "--quiet"]);
}, 120_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await rm(dir, { recursive: true, force: true });
});

const pip = (args: string[], python = "python3") =>
  runProcess(python, ["-m", "pip", ...args, "--disable-pip-version-check", "--no-cache-dir"], {
    env: { ...process.env, PIP_CONFIG_FILE: "/dev/null", PIP_NO_INPUT: "1" },
    timeoutMs: 300_000,
  });

describe("real pip against wheelhouse serve", () => {
  it("downloads every stored file byte-identical to the store", async () => {
    const store = await openStore(storeDir);
    const files = (await readdir(wheelsDir)).filter((f) => f.endsWith(".whl"));
    const pins = files.map((f) => {
      const [name, version] = f.split("-");
      return `${name}==${version}`;
    });
    closeStore(store);
    const out = join(dir, "downloads");
    const ran = await pip([
      "download",
      "--no-deps",
      "--index-url",
      `${server.url}/simple/`,
      "-d",
      out,
      ...pins,
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const got = (await readdir(out)).sort();
    expect(got).toEqual(files.sort());
    for (const f of files) {
      const a = await readFile(join(out, f));
      const b = await readFile(join(wheelsDir, f));
      expect(a.equals(b), f).toBe(true);
    }
  });

  it("installs flask with its dependencies into a fresh venv", async () => {
    const venv = join(dir, "venv");
    const made = await runProcess("python3", ["-m", "venv", venv]);
    expect(made.code, made.stderr).toBe(0);
    const python = join(venv, "bin", "python");
    const ran = await pip(["install", "--index-url", `${server.url}/simple/`, "flask"], python);
    expect(ran.code, ran.stderr).toBe(0);
    const imported = await runProcess(python, ["-c", "import flask; print(flask.__name__)"]);
    expect(imported.stdout.trim()).toBe("flask");
  });

  it("installs from the flat /links/ page with --no-index --find-links", async () => {
    const out = join(dir, "links-download");
    const ran = await pip([
      "download",
      "--no-index",
      "--find-links",
      `${server.url}/links/`,
      "-d",
      out,
      "flask",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect((await readdir(out)).some((f) => f.startsWith("flask-"))).toBe(true);
  });
});

describe("PEP 658 metadata of real wheels", () => {
  it("serves each wheel's .metadata equal to the METADATA inside it, with the advertised sha256", async () => {
    const wheels = (await readdir(wheelsDir)).filter((f) => f.endsWith(".whl"));
    for (const filename of wheels) {
      const inside = await inspectDistribution(join(wheelsDir, filename));
      const page = await readJson(
        await fetch(`${server.url}/simple/${inside.name}/`, { headers: { Accept: SIMPLE_JSON } }),
      );
      const entry = page.files.find((f: { filename: string }) => f.filename === filename);
      expect(entry, filename).toBeDefined();
      const res = await fetch(new URL(`${entry.url}.metadata`, server.url));
      expect(res.status, filename).toBe(200);
      const served = Buffer.from(await res.arrayBuffer());
      expect(served.equals(inside.metadataBytes), filename).toBe(true);
      expect(entry["core-metadata"]).toEqual({
        sha256: createHash("sha256").update(served).digest("hex"),
      });
      expect(page.meta["api-version"]).toBe("1.3");
      expect(entry.provenance).toBe(`${entry.url}.provenance`);
    }
  });
});

describe.skipIf(!existsSync("/usr/bin/twine"))("real twine against the upload API", () => {
  it("uploads with the token and fails without it", async () => {
    const wheel = await buildWheel({ name: "twine-demo", version: "0.1.0" });
    const upDir = join(dir, "upload");
    await mkdir(upDir);
    const [path] = await writeDistributions(upDir, [wheel]);
    const env = { ...process.env, TWINE_NON_INTERACTIVE: "1" };
    const url = `${server.url}/legacy/`;
    const refused = await runProcess(
      "twine",
      [
        "upload",
        "--non-interactive",
        "--repository-url",
        url,
        "-u",
        "__token__",
        "-p",
        "wrong",
        path,
      ],
      { env },
    );
    expect(refused.code).not.toBe(0);
    const ok = await runProcess(
      "twine",
      [
        "upload",
        "--non-interactive",
        "--repository-url",
        url,
        "-u",
        "__token__",
        "-p",
        TOKEN,
        path,
      ],
      { env },
    );
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const store = await openStore(storeDir);
    expect(listFiles(store, "twine-demo").map((f) => f.sha256)).toEqual([wheel.sha256]);
    closeStore(store);
  });
});

describe("serving while wheelhouse add writes", () => {
  it("answers every request without error", async () => {
    const more = join(dir, "more");
    await mkdir(more);
    const dists = [];
    for (let i = 0; i < 30; i++)
      dists.push(await buildWheel({ name: `extra-${i}`, version: "1.0" }));
    await writeDistributions(more, dists);
    const adding = wheelhouse(["add", "--store", storeDir, more]);
    let done = false;
    void adding.then(() => {
      done = true;
    });
    const statuses = new Map<number, number>();
    let requests = 0;
    while (!done || requests < 20) {
      const res = await fetch(`${server.url}/simple/`, {
        headers: { Accept: "application/vnd.pypi.simple.v1+json" },
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      requests++;
    }
    expect((await adding).code).toBe(0);
    expect([...statuses.keys()]).toEqual([200]);
    const list = await readJson(
      await fetch(`${server.url}/simple/`, {
        headers: { Accept: "application/vnd.pypi.simple.v1+json" },
      }),
    );
    expect(list.projects.filter((p: { name: string }) => p.name.startsWith("extra-"))).toHaveLength(
      30,
    );
  });
});
