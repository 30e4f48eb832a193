// The data model of the simple repository API, shared by the JSON and HTML serializations.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/
// (PEP 503 base, 592 yanked, 629 versioning, 658/714 core metadata, 691 JSON, 700 versions/size,
// 792 project status markers).
// Traps: "yanked" and "core metadata" each have three states (absent, present without a value,
// present with a value), so they are `false | string` and `false | Record`, never booleans; the
// API version is "Major.Minor" and a client MUST refuse a major version it does not know.

import { quote, WheelhouseError } from "./errors.js";

/** One file of a project as listed by a simple index page or a find-links page. */
export interface DistributionFile {
  /** The file name: the last path segment of the URL, percent-decoded (never the anchor text). */
  filename: string;
  /** Absolute URL without fragment when parsed (resolved against the page / `<base href>`); as given when rendering. */
  url: string;
  /** Hash name (lower case, e.g. "sha256") to lower-case hex digest; `{}` when the index gives none. */
  hashes: Record<string, string>;
  /** The Requires-Python specifier, unescaped; absent when not given or empty. */
  requiresPython?: string;
  /** PEP 592: false, or the reason ("" when yanked without a reason). */
  yanked: false | string;
  /** PEP 658/714: false, or the hashes of `<url>.metadata` (`{}` when advertised without a hash). */
  coreMetadata: false | Record<string, string>;
  /** PEP 700 file size in bytes (JSON only). */
  size?: number;
  /** PEP 700 upload time, ISO 8601 UTC `yyyy-mm-ddThh:mm:ss.ffffffZ` (JSON only). */
  uploadTime?: string;
  /** Whether a `<url>.asc` GPG signature exists; absent when the index does not say. */
  gpgSig?: boolean;
  /** PEP 740 provenance URL, null when the index says there is none; absent when not said. */
  provenance?: string | null;
}

/**
 * PEP 792 project status markers: "active" (the default when a page says none), "archived" (no
 * new uploads), "quarantined" (no file offered for download), "deprecated" (obsolete).
 */
export const PROJECT_STATUSES = ["active", "archived", "quarantined", "deprecated"] as const;

/** A project's status as its page states it (PEP 792, API 1.4). */
export interface ProjectStatus {
  /** One of {@link PROJECT_STATUSES}, or a marker a later standard defines (kept as given). */
  status: string;
  /** Free-form text the index gives for the status, when it gives one. */
  reason?: string;
}

/** The API version of a page that states a project status (PEP 792). */
export const PROJECT_STATUS_API_VERSION = "1.4";

/** The API version of a page that gives a file's provenance URL (PEP 740). */
export const PROVENANCE_API_VERSION = "1.3";

/** A project page (`/<project>/`): its files and, from API 1.1 on (JSON), its versions. */
export interface ProjectPage {
  /** Project name as the page gives it (PEP 691 says normalized; HTML pages: from the title or URL). */
  name: string;
  files: DistributionFile[];
  /** PEP 700 versions (JSON only); absent in HTML and pre-1.1 JSON. */
  versions?: string[];
  /** "Major.Minor" API version (PEP 629); "1.0" when the page does not say. */
  apiVersion: string;
  /** PyPI's `_last-serial` (JSON meta) or `<!--SERIAL n-->` (HTML), when present. */
  lastSerial?: number;
  /** PEP 792 status, when the page states one (absent means "active"). */
  status?: ProjectStatus;
}

/** The index root (`/`): one entry per project. */
export interface ProjectList {
  apiVersion: string;
  projects: { name: string }[];
}

/** PEP 691 content type of the JSON serialization, version 1. */
export const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";
/** PEP 691 content type of the HTML serialization, version 1 (`text/html` is its legacy alias). */
export const SIMPLE_HTML = "application/vnd.pypi.simple.v1+html";
/**
 * The API version wheelhouse renders: 1.1 (PEP 700: `versions`, `size`, `upload-time`).
 * A server that emits 1.1 MUST give `versions` and every file's `size` in JSON.
 */
export const SIMPLE_API_VERSION = "1.1";

/** Hash names guaranteed by Python's hashlib, strongest preferred first when one must be chosen. */
export const HASH_PREFERENCE = ["sha256", "sha512", "sha384", "sha224", "sha1", "md5"] as const;

const API_VERSION = /^(\d+)\.(\d+)$/;

/**
 * Check an API version (PEP 629: "Major.Minor") and return it.
 * @throws WheelhouseError "UNSUPPORTED_API_VERSION" when malformed or its major version is not 1
 *   (a client MUST hard fail on an unknown major version; a newer minor is fine and the caller may
 *   warn by comparing with {@link SIMPLE_API_VERSION}).
 */
export function checkApiVersion(version: string, where: string): string {
  const m = API_VERSION.exec(version.trim());
  if (!m) {
    throw new WheelhouseError(
      "UNSUPPORTED_API_VERSION",
      `simple API version ${quote(version)} of ${quote(where)} is invalid: it is not Major.Minor`,
    );
  }
  if (Number(m[1]) !== 1) {
    throw new WheelhouseError(
      "UNSUPPORTED_API_VERSION",
      `simple API version ${quote(version)} of ${quote(where)} is not supported: only major version 1 is`,
      { hint: "upgrade wheelhouse, or point it at an index that speaks simple API v1" },
    );
  }
  return `${Number(m[1])}.${Number(m[2])}`;
}

/**
 * The one hash to put in an HTML URL fragment (`#name=hex`): sha256 first, then the other
 * hashlib-guaranteed names by strength, then any other name in sorted order; undefined if none.
 */
export function pickHash(hashes: Record<string, string>): [string, string] | undefined {
  for (const name of HASH_PREFERENCE) if (hashes[name]) return [name, hashes[name]];
  const names = Object.keys(hashes).sort();
  return names.length > 0 ? [names[0], hashes[names[0]]] : undefined;
}

/**
 * The file name of a distribution URL: its last path segment, percent-decoded (a segment that
 * is not valid percent-encoding is kept as is). "" for a URL ending in "/".
 */
export function filenameFromUrl(url: URL): string {
  return filenameFromSegment(url.pathname.slice(url.pathname.lastIndexOf("/") + 1));
}

/** A URL path segment percent-decoded, or as it is when that is not valid percent-encoding. */
export function filenameFromSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
