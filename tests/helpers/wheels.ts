// Test helper: builds real wheels and sdists in memory (yazl / tar), as pip's test suite does,
// so tests never depend on files they cannot regenerate.
// Spec of what is built: https://packaging.python.org/en/latest/specifications/binary-distribution-format/
// Trap: RECORD digests are urlsafe base64 without padding; the RECORD's own line has no hash.

import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as createTar } from "tar";
import { ZipFile } from "yazl";

/** What a generated wheel holds. Paths in `files` are relative to the wheel root. */
export interface WheelSpec {
  name: string;
  version: string;
  /** Tag triple(s) as in the filename, e.g. "py3-none-any" (default) or "cp311-cp311-manylinux_2_17_x86_64". */
  tags?: string;
  build?: string;
  requiresDist?: string[];
  requiresPython?: string;
  providesExtra?: string[];
  /** Extra METADATA header lines, e.g. ["Summary: hi"]. */
  metadataLines?: string[];
  /** Files besides the dist-info; default one module `<name>/__init__.py`. */
  files?: Record<string, string | Buffer>;
  /** entry_points.txt content. */
  entryPoints?: string;
  rootIsPurelib?: boolean;
  /** The WHEEL file's Wheel-Version (default "1.0"). */
  wheelVersion?: string;
  /** Mutate the RECORD entries before writing (for bad-wheel tests). */
  editRecord?: (lines: string[]) => string[];
  /** Leave METADATA out (bad-wheel tests). */
  omitMetadata?: boolean;
  /** Fixed mtime so the bytes are reproducible. */
  mtime?: Date;
  /** Symlink members: entry path -> link target (zip mode 0o120777, listed in RECORD). */
  symlinks?: Record<string, string>;
  /**
   * Rename entries after zipping (yazl refuses unsafe names): placeholder -> final name of the
   * same length, e.g. { "xx/evil.py": "../evil.py" }; RECORD lists the final names.
   */
  renameEntries?: Record<string, string>;
}

export interface BuiltDistribution {
  filename: string;
  bytes: Buffer;
  sha256: string;
  /** The METADATA / PKG-INFO text as stored. */
  metadata: string;
}

const FIXED_MTIME = new Date("2020-01-01T00:00:00Z");

function recordHash(data: Buffer): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

/** Distribution name as it appears in filenames: canonical with "-" as "_". */
export function escapeName(name: string): string {
  return name.replace(/[-_.]+/g, "_").toLowerCase();
}

/** The METADATA text of a wheel spec (metadata 2.1 unless `metadataVersion` says otherwise). */
export function metadataText(spec: WheelSpec & { metadataVersion?: string }): string {
  const lines = [
    `Metadata-Version: ${spec.metadataVersion ?? "2.1"}`,
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
  ];
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const e of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${e}`);
  for (const r of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${r}`);
  lines.push(...(spec.metadataLines ?? []));
  return `${lines.join("\n")}\n\n`;
}

/** Build a wheel in memory. */
export async function buildWheel(spec: WheelSpec): Promise<BuiltDistribution> {
  const tags = spec.tags ?? "py3-none-any";
  const base = `${escapeName(spec.name)}-${spec.version}`;
  const filename = `${base}${spec.build ? `-${spec.build}` : ""}-${tags}.whl`;
  const distInfo = `${base}.dist-info`;
  const mtime = spec.mtime ?? FIXED_MTIME;
  const module = escapeName(spec.name);
  const files: [string, Buffer][] = Object.entries(
    spec.files ?? { [`${module}/__init__.py`]: `__version__ = "${spec.version}"\n` },
  ).map(([p, c]) => [p, Buffer.isBuffer(c) ? c : Buffer.from(c)]);
  const metadata = metadataText(spec);
  if (!spec.omitMetadata) files.push([`${distInfo}/METADATA`, Buffer.from(metadata)]);
  const [, , ...platform] = tags.split("-");
  const purelib = spec.rootIsPurelib ?? platform.join("-") === "any";
  files.push([
    `${distInfo}/WHEEL`,
    Buffer.from(
      `Wheel-Version: ${spec.wheelVersion ?? "1.0"}\nGenerator: wheelhouse-tests\nRoot-Is-Purelib: ${purelib}\nTag: ${tags}\n\n`,
    ),
  ]);
  if (spec.entryPoints) files.push([`${distInfo}/entry_points.txt`, Buffer.from(spec.entryPoints)]);
  const links: [string, Buffer][] = Object.entries(spec.symlinks ?? {}).map(([p, t]) => [
    p,
    Buffer.from(t),
  ]);
  const renamed = (p: string) => spec.renameEntries?.[p] ?? p;
  let record = [...files, ...links].map(([p, c]) => `${renamed(p)},${recordHash(c)},${c.length}`);
  record.push(`${distInfo}/RECORD,,`);
  if (spec.editRecord) record = spec.editRecord(record);
  files.push([`${distInfo}/RECORD`, Buffer.from(`${record.join("\n")}\n`)]);

  const zip = new ZipFile();
  for (const [p, c] of files) zip.addBuffer(c, p, { mtime, mode: 0o100644 });
  for (const [p, c] of links) zip.addBuffer(c, p, { mtime, mode: 0o120777 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [from, to] of Object.entries(spec.renameEntries ?? {})) {
    if (from.length !== to.length)
      throw new Error(`renameEntries: ${from} and ${to} differ in length`);
    bytes = Buffer.from(bytes.toString("latin1").split(from).join(to), "latin1");
  }
  return { filename, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), metadata };
}

/** What a generated sdist holds. */
export interface SdistSpec {
  name: string;
  version: string;
  requiresDist?: string[];
  requiresPython?: string;
  /** pyproject.toml content; omitted when undefined (legacy setup.py sdist). */
  pyproject?: string;
  files?: Record<string, string>;
  /** PKG-INFO's Metadata-Version (default "2.1", which does not bind Requires-Dist, PEP 643). */
  metadataVersion?: string;
}

/** Build a PEP 625 `.tar.gz` sdist (PKG-INFO, metadata 2.1 by default, at `<name>-<version>/PKG-INFO`). */
export async function buildSdist(spec: SdistSpec): Promise<BuiltDistribution> {
  const root = `${escapeName(spec.name)}-${spec.version}`;
  const filename = `${root}.tar.gz`;
  const metadata = metadataText({ ...spec, metadataLines: [] });
  const dir = await mkdtemp(join(tmpdir(), "wh-sdist-"));
  try {
    await mkdir(join(dir, root), { recursive: true });
    const files: Record<string, string> = { PKG_INFO: metadata, ...(spec.files ?? {}) };
    if (spec.pyproject !== undefined) files["pyproject.toml"] = spec.pyproject;
    const names: string[] = [];
    for (const [rel, content] of Object.entries(files)) {
      const relName = rel === "PKG_INFO" ? "PKG-INFO" : rel;
      const full = join(dir, root, relName);
      await mkdir(join(full, ".."), { recursive: true });
      await writeFile(full, content);
      names.push(`${root}/${relName}`);
    }
    const out = join(dir, filename);
    await createTar({ gzip: true, file: out, cwd: dir, portable: true, mtime: FIXED_MTIME }, names);
    const bytes = await readFile(out);
    return { filename, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), metadata };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Write built distributions into `dir` (a flat find-links directory); returns their paths. */
export async function writeDistributions(
  dir: string,
  dists: BuiltDistribution[],
): Promise<string[]> {
  const paths: string[] = [];
  for (const d of dists) {
    const p = join(dir, d.filename);
    await writeFile(p, d.bytes);
    paths.push(p);
  }
  return paths;
}
