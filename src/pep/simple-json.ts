// The JSON serialization of the simple repository API (PEP 691), with PEP 700 (versions, size,
// upload-time), PEP 592 (yanked), PEP 714 (core-metadata), PEP 740 (provenance) and PEP 792
// (project-status): parse and render.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/#json-serialization
// Traps:
// - The metadata key has three spellings in the wild: `core-metadata` (PEP 714, MUST be read
//   first), `dist-info-metadata` (PEP 691 text) and `data-dist-info-metadata` (what PyPI emitted,
//   and still mirrors). Rendering uses `core-metadata` only: PEP 714 allows mirroring the old
//   name in HTML, not in JSON, and renamed the key precisely to hide it from old buggy clients.
// - `yanked` is truthy-tested like Python does: `true` and a non-empty string mean yanked, `""`
//   means not yanked; we model "yanked without reason" as "" and so render it as `true`.
// - URLs may be relative to the page URL; keys starting with "_" are private to the index.
// - PEP 792's text names the key `project-status.state`, its example and PyPI `.status`: both
//   are read (`status` first), `status` is written. A malformed status is ignored, not fatal: it
//   is advice, and the files are still the page's.

import { quote, WheelhouseError } from "./errors.js";
import {
  checkApiVersion,
  type DistributionFile,
  type ProjectList,
  type ProjectPage,
  type ProjectStatus,
} from "./simple-types.js";
import { hashesFromFragment } from "./url-fragment.js";

export { SIMPLE_HTML, SIMPLE_JSON } from "./simple-types.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(code: string, where: string, problem: string): never {
  throw new WheelhouseError(code, `simple API page ${quote(where)} is invalid: ${problem}`);
}

function parseDocument(text: string, where: string, code: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new WheelhouseError(
      code,
      `simple API page ${quote(where)} is invalid: it is not JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  if (!isObject(doc)) fail(code, where, "it is not a JSON object");
  return doc;
}

function readApiVersion(doc: Json, where: string, code: string): string {
  if (doc.meta === undefined) return "1.0";
  if (!isObject(doc.meta)) fail(code, where, `"meta" is not an object`);
  const version = doc.meta["api-version"];
  if (version === undefined) return "1.0";
  if (typeof version !== "string") fail(code, where, `"meta.api-version" is not a string`);
  return checkApiVersion(version, where);
}

function readHashes(value: unknown, where: string, key: string): Record<string, string> {
  if (!isObject(value)) fail("INVALID_PROJECT_PAGE", where, `${key} is not an object`);
  const hashes: Record<string, string> = {};
  for (const [name, digest] of Object.entries(value)) {
    if (typeof digest !== "string") {
      fail("INVALID_PROJECT_PAGE", where, `${key}.${name} is not a string`);
    }
    hashes[name.toLowerCase()] = digest.toLowerCase();
  }
  return hashes;
}

function readCoreMetadata(file: Json, where: string, key: string): false | Record<string, string> {
  // PEP 714: the new key wins whenever it is present, even when it says false.
  for (const name of ["core-metadata", "dist-info-metadata", "data-dist-info-metadata"]) {
    const value = file[name];
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") return value ? {} : false;
    return readHashes(value, where, `${key}.${name}`);
  }
  return false;
}

function readFile(raw: unknown, index: number, base: URL, where: string): DistributionFile {
  const key = `files[${index}]`;
  if (!isObject(raw)) fail("INVALID_PROJECT_PAGE", where, `${key} is not an object`);
  const { filename, url } = raw;
  if (typeof filename !== "string" || filename === "") {
    fail("INVALID_PROJECT_PAGE", where, `${key}.filename is not a non-empty string`);
  }
  if (typeof url !== "string") fail("INVALID_PROJECT_PAGE", where, `${key}.url is not a string`);
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    fail("INVALID_PROJECT_PAGE", where, `${key}.url ${quote(url)} is not a URL`);
  }
  // A hash in the URL's fragment counts too (pip reads it); the `hashes` object wins.
  const fromFragment = hashesFromFragment(resolved.hash);
  resolved.hash = "";
  const file: DistributionFile = {
    filename,
    url: resolved.href,
    hashes: {
      ...fromFragment,
      ...(raw.hashes === undefined ? {} : readHashes(raw.hashes, where, `${key}.hashes`)),
    },
    yanked: false,
    coreMetadata: readCoreMetadata(raw, where, key),
  };
  const requiresPython = raw["requires-python"];
  if (typeof requiresPython === "string" && requiresPython.trim() !== "") {
    file.requiresPython = requiresPython;
  } else if (requiresPython !== undefined && requiresPython !== null && requiresPython !== "") {
    fail("INVALID_PROJECT_PAGE", where, `${key}.requires-python is not a string`);
  }
  const yanked = raw.yanked;
  if (yanked === true) file.yanked = "";
  else if (typeof yanked === "string" && yanked !== "") file.yanked = yanked;
  const size = raw.size;
  if (size !== undefined && size !== null) {
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      fail("INVALID_PROJECT_PAGE", where, `${key}.size is not a non-negative integer`);
    }
    file.size = size;
  }
  if (typeof raw["upload-time"] === "string") file.uploadTime = raw["upload-time"];
  if (typeof raw["gpg-sig"] === "boolean") file.gpgSig = raw["gpg-sig"];
  if (raw.provenance === null) file.provenance = null;
  else if (typeof raw.provenance === "string" && raw.provenance.trim() !== "") {
    // A relative URL is relative to the page, as the file's own; an unusable one is as good as
    // none (as in HTML's data-provenance).
    try {
      file.provenance = new URL(raw.provenance.trim(), base).href;
    } catch {
      // left out
    }
  }
  return file;
}

/**
 * Parse a PEP 691 JSON project page (`GET /<project>/` as application/vnd.pypi.simple.v1+json).
 * `pageUrl` is the URL the page came from; relative file URLs are resolved against it.
 * Unknown keys are ignored (the spec says clients MUST).
 * @throws WheelhouseError "INVALID_PROJECT_PAGE" quoting the URL and the problem (not JSON,
 *   missing `name`/`files`, a file without `filename`/`url`, bad hashes or size);
 *   "UNSUPPORTED_API_VERSION" when `meta.api-version` has a major version other than 1.
 */
export function parseProjectJson(text: string, pageUrl: string): ProjectPage {
  let base: URL;
  try {
    base = new URL(pageUrl);
  } catch {
    fail("INVALID_PROJECT_PAGE", pageUrl, "its URL is not an absolute URL");
  }
  const doc = parseDocument(text, pageUrl, "INVALID_PROJECT_PAGE");
  const apiVersion = readApiVersion(doc, pageUrl, "INVALID_PROJECT_PAGE");
  if (typeof doc.name !== "string") fail("INVALID_PROJECT_PAGE", pageUrl, `"name" is missing`);
  if (!Array.isArray(doc.files)) fail("INVALID_PROJECT_PAGE", pageUrl, `"files" is not an array`);
  const page: ProjectPage = {
    name: doc.name,
    files: doc.files.map((raw, i) => readFile(raw, i, base, pageUrl)),
    apiVersion,
  };
  if (doc.versions !== undefined) {
    if (!Array.isArray(doc.versions) || !doc.versions.every((v) => typeof v === "string")) {
      fail("INVALID_PROJECT_PAGE", pageUrl, `"versions" is not an array of strings`);
    }
    page.versions = doc.versions as string[];
  }
  const serial = isObject(doc.meta) ? doc.meta["_last-serial"] : undefined;
  if (typeof serial === "number" && Number.isSafeInteger(serial)) page.lastSerial = serial;
  const status = readProjectStatus(doc["project-status"]);
  if (status !== undefined) page.status = status;
  return page;
}

/** PEP 792 `project-status` ({status | state, reason?}), or undefined when absent or malformed. */
function readProjectStatus(value: unknown): ProjectStatus | undefined {
  if (!isObject(value)) return undefined;
  const status = typeof value.status === "string" ? value.status : value.state;
  if (typeof status !== "string" || status.trim() === "") return undefined;
  const out: ProjectStatus = { status: status.trim().toLowerCase() };
  if (typeof value.reason === "string" && value.reason !== "") out.reason = value.reason;
  return out;
}

function sortedHashes(hashes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(hashes).sort()) out[name] = hashes[name];
  return out;
}

function renderFile(file: DistributionFile): Json {
  const out: Json = { filename: file.filename, url: file.url, hashes: sortedHashes(file.hashes) };
  if (file.requiresPython !== undefined && file.requiresPython !== "") {
    out["requires-python"] = file.requiresPython;
  }
  out.yanked = file.yanked === false ? false : file.yanked === "" ? true : file.yanked;
  if (file.size !== undefined) out.size = file.size;
  if (file.uploadTime !== undefined) out["upload-time"] = file.uploadTime;
  if (file.coreMetadata !== false) out["core-metadata"] = sortedHashes(file.coreMetadata);
  if (file.gpgSig !== undefined) out["gpg-sig"] = file.gpgSig;
  if (file.provenance !== undefined) out.provenance = file.provenance;
  return out;
}

/**
 * Render a PEP 691 (+700, 592, 714) JSON project page. Deterministic: keys in a fixed order,
 * hash names sorted, files and versions in the order given. `meta._last-serial` when known;
 * `versions` when given (mandatory for api-version >= 1.1, so the caller must set it then);
 * `requires-python`, `size`, `upload-time`, `core-metadata`, `gpg-sig`, `provenance` only when set;
 * `project-status` (`{status, reason?}`) when `page.status` is set (the caller then gives an
 * api-version of at least 1.4).
 * `core-metadata` is `{}` when advertised without hash (the spec allows `true`; `{}` is what
 * a hash-less dictionary means too and keeps the type one shape).
 */
export function renderProjectJson(page: ProjectPage): string {
  const meta: Json = { "api-version": page.apiVersion };
  if (page.lastSerial !== undefined) meta["_last-serial"] = page.lastSerial;
  const doc: Json = { meta, name: page.name };
  if (page.status !== undefined) {
    doc["project-status"] = {
      status: page.status.status,
      ...(page.status.reason !== undefined ? { reason: page.status.reason } : {}),
    };
  }
  if (page.versions !== undefined) doc.versions = page.versions;
  doc.files = page.files.map(renderFile);
  return JSON.stringify(doc);
}

/**
 * Parse a PEP 691 JSON project list (`GET /`): `{"meta": {...}, "projects": [{"name": ...}]}`.
 * @throws WheelhouseError "INVALID_PROJECT_LIST" when not JSON or `projects` is malformed;
 *   "UNSUPPORTED_API_VERSION" for a major version other than 1.
 */
export function parseProjectListJson(text: string): ProjectList {
  const where = "project list";
  const doc = parseDocument(text, where, "INVALID_PROJECT_LIST");
  const apiVersion = readApiVersion(doc, where, "INVALID_PROJECT_LIST");
  if (!Array.isArray(doc.projects))
    fail("INVALID_PROJECT_LIST", where, `"projects" is not an array`);
  const projects = doc.projects.map((entry, i) => {
    if (!isObject(entry) || typeof entry.name !== "string") {
      fail("INVALID_PROJECT_LIST", where, `projects[${i}].name is not a string`);
    }
    return { name: entry.name };
  });
  return { apiVersion, projects };
}

/** Render a PEP 691 JSON project list; names and order exactly as given. */
export function renderProjectListJson(list: ProjectList): string {
  return JSON.stringify({
    meta: { "api-version": list.apiVersion },
    projects: list.projects.map((p) => ({ name: p.name })),
  });
}
