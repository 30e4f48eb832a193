// Export, import and bundle over generated wheels: reproducible bytes, all-or-nothing import,
// refusal of unsafe, tampered, truncated and padded archives, deltas.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as createTar, Parser, type ReadEntry } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleFromStore } from "../../../src/mirror/bundle/bundle.js";
import { exportStore } from "../../../src/mirror/bundle/export.js";
import { importArchive } from "../../../src/mirror/bundle/import.js";
import { readManifestFrom } from "../../../src/mirror/bundle/pack.js";
import { writeTarGz } from "../../../src/mirror/bundle/tar-writer.js";
import { parseRequirement } from "../../../src/pep/requirement.js";
import { parseTarget } from "../../../src/pep/target.js";
import {
  addPaths,
  closeStore,
  iterateFiles,
  listProjectStatuses,
  openStore,
  recordIndexStatus,
  refreshYanked,
  type Store,
  setLocalProjectStatus,
  verifyStore,
} from "../../../src/store/index.js";
import { buildSdist, buildWheel, writeDistributions } from "../../helpers/wheels.js";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wh-bundle-"));
  store = await openStore(join(dir, "store"));
  const wheels = join(dir, "in");
  await mkdir(wheels);
  const built = await Promise.all([
    buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] }),
    buildWheel({ name: "lib", version: "2.1", requiresPython: ">=3.8" }),
    buildWheel({ name: "lib", version: "2.1", tags: "cp311-cp311-win_amd64" }),
    // A name longer than ustar's 100 bytes: needs a pax path record.
    buildWheel({
      name: "long-name-project-for-pax",
      version: "1.0",
      tags: "cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64",
    }),
  ]);
  await writeDistributions(wheels, built);
  const report = await addPaths(store, [wheels]);
  expect(report.failed).toEqual([]);
});

afterEach(async () => {
  closeStore(store);
  await rm(dir, { recursive: true, force: true });
});

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

function catalog(s: Store) {
  return [...iterateFiles(s)].map(({ addedAt: _, source: __, ...f }) => f);
}

async function members(path: string): Promise<{ path: string; type: string; mtime: number }[]> {
  const out: { path: string; type: string; mtime: number }[] = [];
  const parser = new Parser({
    onReadEntry: (e: ReadEntry) => {
      out.push({ path: e.path, type: e.type, mtime: e.mtime?.getTime() ?? -1 });
      e.resume();
    },
  });
  parser.end(await readFile(path));
  return out;
}

describe("export and import", () => {
  it("writes byte-identical archives with fixed headers and manifest.json first", async () => {
    const a = join(dir, "a.tar.gz");
    const b = join(dir, "b.tar.gz");
    await exportStore(store, { output: a, toolVersion: "0.0.0" });
    await exportStore(store, { output: b, toolVersion: "0.0.0" });
    expect(await sha256(a)).toBe(await sha256(b));
    const bytes = await readFile(a);
    // gzip member header: magic, deflate, no flags, mtime 0, OS 255 (RFC 1952 2.3).
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    const list = await members(a);
    expect(list[0].path).toBe("manifest.json");
    const rest = list.slice(1).map((m) => m.path);
    expect(rest).toEqual([...rest].sort());
    expect(rest.some((p) => p.length > 100 && p.startsWith("wheels/long_name"))).toBe(true);
    expect(new Set(list.map((m) => m.mtime))).toEqual(new Set([315532800000]));
  });

  it("imports into an empty store: same catalog, verify clean; again: all unchanged", async () => {
    const a = join(dir, "a.tar.gz");
    await exportStore(store, { output: a, toolVersion: "0.0.0" });
    const other = await openStore(join(dir, "other"));
    try {
      const first = await importArchive(other, a);
      expect(first.added).toHaveLength(4);
      expect(catalog(other)).toEqual(catalog(store));
      expect((await verifyStore(other)).problems).toEqual([]);
      const again = await importArchive(other, a);
      expect([again.added.length, again.unchanged.length]).toEqual([0, 4]);
    } finally {
      closeStore(other);
    }
  });

  it("exports a delta since a bundle or its manifest; base then delta equals the source", async () => {
    const base = join(dir, "base.tar.gz");
    await exportStore(store, { output: base, toolVersion: "0.0.0" });
    const more = join(dir, "more");
    await mkdir(more);
    await writeDistributions(more, [await buildWheel({ name: "extra", version: "3.0" })]);
    await addPaths(store, [more]);
    const delta = join(dir, "delta.tar.gz");
    const report = await exportStore(store, { output: delta, since: [base], toolVersion: "0.0.0" });
    expect(report.manifest.files.map((f) => f.filename)).toEqual(["extra-3.0-py3-none-any.whl"]);
    const manifestPath = join(dir, "manifest.json");
    await writeFile(manifestPath, JSON.stringify(await readManifestFrom(base)));
    const viaJson = await exportStore(store, {
      output: join(dir, "d2.tar.gz"),
      since: [manifestPath],
      toolVersion: "0.0.0",
    });
    expect(viaJson.manifest.files).toEqual(report.manifest.files);
    // A second delta is made against the chain (base and first delta): only what is new again.
    const newer = join(dir, "newer");
    await mkdir(newer);
    await writeDistributions(newer, [await buildWheel({ name: "later", version: "1.0" })]);
    await addPaths(store, [newer]);
    const second = await exportStore(store, {
      output: join(dir, "delta2.tar.gz"),
      since: [base, delta],
      toolVersion: "0.0.0",
    });
    expect(second.manifest.files.map((f) => f.filename)).toEqual(["later-1.0-py3-none-any.whl"]);
    const other = await openStore(join(dir, "other"));
    try {
      await importArchive(other, base);
      await importArchive(other, delta);
      await importArchive(other, join(dir, "delta2.tar.gz"));
      expect(catalog(other)).toEqual(catalog(store));
    } finally {
      closeStore(other);
    }
  });
});

describe("import refuses", () => {
  async function exported(): Promise<string> {
    const a = join(dir, "a.tar.gz");
    await exportStore(store, { output: a, toolVersion: "0.0.0" });
    return a;
  }

  /** Rewrite an archive's members (in order) with `edit`, keeping the writer's format. */
  async function rewrite(
    source: string,
    edit: (entries: { path: string; bytes: Buffer }[]) => { path: string; bytes: Buffer }[],
  ): Promise<string> {
    const entries: { path: string; bytes: Buffer }[] = [];
    const parser = new Parser({
      onReadEntry: (e: ReadEntry) => {
        if (e.type !== "File") return e.resume();
        const chunks: Buffer[] = [];
        e.on("data", (c: Buffer) => chunks.push(c));
        e.on("end", () => entries.push({ path: e.path, bytes: Buffer.concat(chunks) }));
      },
    });
    parser.end(await readFile(source));
    await new Promise((r) => setImmediate(r));
    const out = join(dir, "edited.tar.gz");
    await writeTarGz(
      out,
      edit(entries).map((e) => ({ path: e.path, mode: 0o644, bytes: e.bytes })),
    );
    return out;
  }

  async function refusal(archive: string): Promise<{ code: string; message: string }> {
    const other = await openStore(join(dir, "other"));
    try {
      const error = await importArchive(other, archive).then(
        () => undefined,
        (e: { code: string; message: string }) => e,
      );
      expect(error, "import should fail").toBeDefined();
      expect([...iterateFiles(other)]).toEqual([]);
      return { code: error!.code, message: error!.message };
    } finally {
      closeStore(other);
    }
  }

  /** An edit that changes the first file of manifest.json with `change`. */
  const editManifest =
    (change: (m: { files: Record<string, unknown>[] }) => void) =>
    (es: { path: string; bytes: Buffer }[]) =>
      es.map((e) => {
        if (e.path !== "manifest.json") return e;
        const m = JSON.parse(e.bytes.toString("utf8"));
        change(m);
        return { ...e, bytes: Buffer.from(JSON.stringify(m)) };
      });

  const flip = (b: Buffer) => {
    const c = Buffer.from(b);
    c[c.length >> 1] ^= 1;
    return c;
  };

  it.each([
    {
      name: "a wheel whose bytes changed",
      edit: (es: { path: string; bytes: Buffer }[]) =>
        es.map((e) =>
          e.path === "wheels/lib-2.1-py3-none-any.whl" ? { ...e, bytes: flip(e.bytes) } : e,
        ),
      code: "HASH_MISMATCH",
      names: "wheels/lib-2.1-py3-none-any.whl",
    },
    {
      name: "a missing wheel",
      edit: (es: { path: string; bytes: Buffer }[]) => es.filter((e) => !e.path.includes("app-")),
      code: "BUNDLE_INCOMPLETE",
      names: "wheels/app-1.0-py3-none-any.whl",
    },
    {
      name: "a member not in the manifest",
      edit: (es: { path: string; bytes: Buffer }[]) => [
        ...es,
        { path: "wheels/evil.py", bytes: Buffer.from("x") },
      ],
      code: "UNEXPECTED_ENTRY",
      names: "wheels/evil.py",
    },
    {
      name: "manifest.json not first",
      edit: (es: { path: string; bytes: Buffer }[]) => [...es.slice(1), es[0]],
      code: "MANIFEST_MISSING",
      names: "README.txt",
    },
    {
      name: "a manifest with a yanked value of another type",
      edit: editManifest((m) => {
        m.files[0].yanked = true;
      }),
      code: "INVALID_MANIFEST",
      names: "invalid yanked value",
    },
    {
      name: "a manifest with a requiresPython that is not a string",
      edit: editManifest((m) => {
        m.files[0].requiresPython = { a: 1 };
      }),
      code: "INVALID_MANIFEST",
      names: "invalid requiresPython",
    },
    {
      name: "an absolute path",
      edit: (es: { path: string; bytes: Buffer }[]) => [
        ...es,
        { path: "/tmp/x", bytes: Buffer.from("x") },
      ],
      code: "UNSAFE_ENTRY",
      names: "/tmp/x",
    },
    {
      name: "a parent path",
      edit: (es: { path: string; bytes: Buffer }[]) => [
        ...es,
        { path: "wheels/../../x", bytes: Buffer.from("x") },
      ],
      code: "UNSAFE_ENTRY",
      names: "wheels/../../x",
    },
  ])("$name ($code)", async ({ edit, code, names }) => {
    const refused = await refusal(await rewrite(await exported(), edit));
    expect(refused.code).toBe(code);
    expect(refused.message).toContain(names);
  });

  it("a truncated archive, naming the member being read", async () => {
    const a = await exported();
    const bytes = await readFile(a);
    const cut = join(dir, "cut.tar.gz");
    await writeFile(cut, bytes.subarray(0, bytes.length - 200));
    const refused = await refusal(cut);
    expect(refused.code).toBe("CORRUPT_ARCHIVE");
    expect(refused.message).toMatch(/truncated or damaged/);
  });

  it("a symbolic link", async () => {
    const src = join(dir, "link-src");
    await mkdir(src);
    await writeFile(
      join(src, "manifest.json"),
      JSON.stringify({
        format: "wheelhouse-bundle",
        formatVersion: 1,
        kind: "export",
        tool: { name: "wheelhouse", version: "0" },
        inputs: {},
        targets: [],
        documents: [],
        files: [],
      }),
    );
    await symlink("/etc/passwd", join(src, "README.txt"));
    const out = join(dir, "link.tar.gz");
    await createTar({ gzip: true, file: out, cwd: src, portable: true }, [
      "manifest.json",
      "README.txt",
    ]);
    const refused = await refusal(out);
    expect(refused.code).toBe("UNSAFE_ENTRY");
    expect(refused.message).toContain("README.txt");
  });
});

describe("bundle", () => {
  const targets = ["cp311-manylinux_2_28_x86_64", "cp311-win_amd64"].map(parseTarget);

  it("resolves per target, pins hashes, and is byte-identical twice", async () => {
    const a = join(dir, "a.tar.gz");
    const options = {
      requirements: [parseRequirement("app")],
      targets,
      toolVersion: "0.0.0",
    };
    const report = await bundleFromStore(store, { ...options, output: a });
    await bundleFromStore(store, { ...options, output: join(dir, "b.tar.gz") });
    expect(await sha256(join(dir, "b.tar.gz"))).toBe(report.sha256);
    expect(report.manifest.files.map((f) => f.filename)).toEqual([
      "app-1.0-py3-none-any.whl",
      "lib-2.1-cp311-cp311-win_amd64.whl",
      "lib-2.1-py3-none-any.whl",
    ]);
    expect(report.manifest.targets.map((t) => t.requirements)).toEqual([
      "requirements-cp311-manylinux_2_28_x86_64.txt",
      "requirements-cp311-win_amd64.txt",
    ]);
    expect(report.manifest.documents.map((d) => d.path)).toEqual([
      "README.txt",
      "install.ps1",
      "install.sh",
      "pylock.toml",
      "requirements-cp311-manylinux_2_28_x86_64.txt",
      "requirements-cp311-win_amd64.txt",
    ]);
    // Both lib files are admitted on every target, so pip may pick either.
    const other = await openStore(join(dir, "other"));
    try {
      const imported = await importArchive(other, a);
      expect(imported.added).toHaveLength(3);
    } finally {
      closeStore(other);
    }
  });

  it.each([
    ["a repeated target", ["cp311-win_amd64", "cp311-win_amd64"]],
    ["a target spelled in upper case", ["cp311-win_amd64", "CP311-WIN_AMD64"]],
    ["a legacy manylinux spelling", ["cp311-manylinux2014_x86_64", "cp311-manylinux_2_17_x86_64"]],
  ])("writes one requirements file for %s, and the bundle imports", async (_, specs) => {
    // A repeat was written twice (import refused the manifest); spellings differing in case
    // collide on Windows and macOS file systems.
    const out = join(dir, "r.tar.gz");
    const report = await bundleFromStore(store, {
      output: out,
      requirements: [parseRequirement("app")],
      targets: specs.map(parseTarget),
      toolVersion: "0.0.0",
    });
    const canonical = specs[1].toLowerCase().replace("manylinux2014", "manylinux_2_17");
    expect(report.manifest.documents.map((d) => d.path).filter((p) => p.startsWith("req"))).toEqual(
      [`requirements-${canonical}.txt`],
    );
    expect(report.manifest.targets.map((t) => t.spec)).toEqual([specs[0]]);
    const other = await openStore(join(dir, "other"));
    try {
      expect((await importArchive(other, out)).added.length).toBe(report.manifest.files.length);
    } finally {
      closeStore(other);
    }
  });

  it("carries an sdist's build requirements in wheels/ but not in the requirements", async () => {
    const more = join(dir, "more");
    await mkdir(more);
    await writeDistributions(more, [
      await buildSdist({
        name: "src-only",
        version: "1.0",
        pyproject: '[build-system]\nrequires = ["backend>=1"]\nbuild-backend = "backend"\n',
      }),
      await buildWheel({ name: "backend", version: "1.2" }),
    ]);
    expect((await addPaths(store, [more])).failed).toEqual([]);
    const out = join(dir, "s.tar.gz");
    const report = await bundleFromStore(store, {
      output: out,
      requirements: [parseRequirement("src-only")],
      targets: [targets[0]],
      toolVersion: "0.0.0",
    });
    expect(report.manifest.files.map((f) => f.filename)).toEqual([
      "backend-1.2-py3-none-any.whl",
      "src_only-1.0.tar.gz",
    ]);
    expect(report.manifest.targets[0].packages).toBe(1);
  });
});

describe("what the connected side learnt later travels with an export", () => {
  it("carries project statuses and yank states to a store that already holds the files", async () => {
    const first = join(dir, "first.tar.gz");
    await exportStore(store, { output: first, toolVersion: "0.0.0" });
    const other = await openStore(join(dir, "other"));
    try {
      await importArchive(other, first);
      setLocalProjectStatus(other, "app", { status: "deprecated", reason: "ours" });
      // Later, upstream quarantines lib, archives long-name-project-for-pax and yanks a file.
      recordIndexStatus(store, "lib", { status: "quarantined", reason: "malware" }, "https://i/");
      recordIndexStatus(store, "long-name-project-for-pax", { status: "archived" }, "https://i/");
      recordIndexStatus(store, "app", { status: "archived" }, "https://i/");
      const [win] = [...iterateFiles(store)].filter((f) => f.filename.includes("win_amd64"));
      refreshYanked(store, "lib", [{ filename: win.filename, yanked: "bad build" }]);
      const second = join(dir, "second.tar.gz");
      await exportStore(store, { output: second, toolVersion: "0.0.0" });
      const report = await importArchive(other, second);
      expect(report.added).toEqual([]);
      expect(report.yankChanges.map((c) => [c.filename, c.yanked])).toEqual([
        [win.filename, "bad build"],
      ]);
      expect(listProjectStatuses(other).map((s) => [s.name, s.status, s.source])).toEqual([
        ["app", "deprecated", "local"],
        ["lib", "quarantined", "import"],
        ["long-name-project-for-pax", "archived", "import"],
      ]);
      // Lifted upstream: the next export (a delta, with the whole list) lifts it here.
      recordIndexStatus(store, "lib", undefined, "https://i/");
      const delta = join(dir, "delta.tar.gz");
      await exportStore(store, { output: delta, since: [second], toolVersion: "0.0.0" });
      const lifted = await importArchive(other, delta);
      expect(lifted.statusChanges).toBe(1);
      expect(listProjectStatuses(other).map((s) => s.name)).toEqual([
        "app",
        "long-name-project-for-pax",
      ]);
    } finally {
      closeStore(other);
    }
  });

  it("refuses an invalid project status in the manifest", async () => {
    const out = join(dir, "bad.tar.gz");
    const manifest = {
      format: "wheelhouse-bundle",
      formatVersion: 1,
      kind: "export",
      tool: { name: "wheelhouse", version: "0.0.0" },
      inputs: {},
      targets: [],
      documents: [],
      files: [],
      projectStatuses: [{ name: "Lib", status: "quarantined" }],
    };
    await writeTarGz(out, [
      { path: "manifest.json", mode: 0o644, bytes: Buffer.from(JSON.stringify(manifest)) },
    ]);
    await expect(importArchive(store, out)).rejects.toMatchObject({ code: "INVALID_MANIFEST" });
  });
});
