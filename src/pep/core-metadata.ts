// Core metadata (the METADATA / PKG-INFO file of a distribution, versions 1.0 to 2.4): parse the
// RFC 822 style headers and the body into a plain object.
// Spec: https://packaging.python.org/en/latest/specifications/core-metadata/
// Traps:
// - Headers repeat (Classifier, Requires-Dist, Provides-Extra...): every field is kept as a list.
// - Continuation lines start with whitespace. Description and License are multi-line text: their
//   continuation lines carry either the "       |" prefix (7 spaces and a pipe, from the spec) or
//   distutils' 8-space indent, which are removed line by line. Other fields unfold the RFC 822 way
//   (the line break goes, one space stays).
// - The description may be the body after the first blank line (metadata 2.1+) or the header.
// - Like Python's email parser, a line that is neither a header nor a continuation ends the
//   headers and starts the body, instead of failing a whole sync on one malformed file.

import { quote, WheelhouseError } from "./errors.js";

/** Parsed core metadata. Keys of `fields` are lower-cased header names, values in file order. */
export interface CoreMetadata {
  metadataVersion: string;
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython?: string;
  providesExtra: string[];
  dynamic: string[];
  summary?: string;
  license?: string;
  licenseExpression?: string;
  /** Every header, lower-cased key, in file order, multi-valued. */
  fields: Record<string, string[]>;
  /** The body (after the first blank line) when not empty, else the Description header. */
  description?: string;
}

const HEADER = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/;
const MULTI_LINE_FIELDS = new Set(["description", "license"]);

/**
 * Parse core metadata text (bytes already decoded as UTF-8; `\r\n` and a BOM are tolerated).
 * Spec: core metadata specification, all versions 1.0 to 2.4.
 * @throws WheelhouseError code "INVALID_METADATA" when Metadata-Version, Name or Version is missing;
 *   the message quotes the ones that were found.
 */
export function parseCoreMetadata(text: string): CoreMetadata {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const fields: Record<string, string[]> = {};
  let current: { key: string; parts: string[] } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const value = joinParts(current.key, current.parts);
    fields[current.key] ??= [];
    fields[current.key].push(value);
    current = undefined;
  };
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") {
      i++;
      break;
    }
    if (line[0] === " " || line[0] === "\t") {
      // A continuation with no header before it is skipped, as Python's email parser does.
      if (current !== undefined) current.parts.push(line);
      continue;
    }
    const match = HEADER.exec(line);
    if (match === null) break; // the body starts here, as in Python's email parser
    flush();
    current = { key: match[1].toLowerCase(), parts: [match[2]] };
  }
  flush();
  const body = lines.slice(i).join("\n");

  const first = (key: string): string | undefined => fields[key]?.[0];
  const metadataVersion = first("metadata-version");
  const name = first("name");
  const version = first("version");
  if (!metadataVersion || !name || !version) {
    const missing = [
      ["Metadata-Version", metadataVersion],
      ["Name", name],
      ["Version", version],
    ]
      .filter(([, value]) => !value)
      .map(([key]) => key);
    const found = Object.entries(fields)
      .slice(0, 3)
      .map(([key, values]) => `${key}: ${values[0]}`)
      .join(", ");
    throw new WheelhouseError(
      "INVALID_METADATA",
      `core metadata is invalid: it has no ${missing.join(", ")} field (it starts with ${quote(found || text.slice(0, 80))})`,
      {
        hint: "every METADATA/PKG-INFO file must carry Metadata-Version, Name and Version headers",
      },
    );
  }
  const metadata: CoreMetadata = {
    metadataVersion,
    name,
    version,
    requiresDist: fields["requires-dist"] ?? [],
    providesExtra: fields["provides-extra"] ?? [],
    dynamic: fields.dynamic ?? [],
    fields,
  };
  const optional = {
    requiresPython: first("requires-python"),
    summary: first("summary"),
    license: first("license"),
    licenseExpression: first("license-expression"),
    description: body.trim() !== "" ? body : first("description"),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (metadata as unknown as Record<string, string>)[key] = value;
  }
  return metadata;
}

/** Join a header's first line with its continuation lines (see the traps above). */
function joinParts(key: string, parts: string[]): string {
  if (parts.length === 1) return parts[0].trimEnd();
  if (!MULTI_LINE_FIELDS.has(key)) {
    return parts
      .map((part) => part.trim())
      .filter((part) => part !== "")
      .join(" ");
  }
  const rest = parts.slice(1).map((line) => {
    const piped = /^ {0,7}\|/.exec(line);
    if (piped) return line.slice(piped[0].length);
    if (line.startsWith("        ")) return line.slice(8);
    if (line.startsWith("\t")) return line.slice(1);
    return line.trimStart();
  });
  return [parts[0], ...rest].join("\n").trimEnd();
}

/**
 * Why an sdist's PKG-INFO may not list all its dependencies, or undefined when its Requires-Dist
 * is binding: PEP 643 makes a field binding only from Metadata-Version 2.2, and only when it is
 * not named in `Dynamic`. (A wheel's METADATA is always binding.)
 * @returns e.g. "Metadata-Version 2.1, older than 2.2" or "Requires-Dist marked Dynamic".
 */
export function unboundRequiresDist(metadata: CoreMetadata): string | undefined {
  const [major = 0, minor = 0] = metadata.metadataVersion.split(".").map(Number);
  if (major < 2 || (major === 2 && minor < 2)) {
    return `Metadata-Version ${metadata.metadataVersion}, older than 2.2`;
  }
  if (metadata.dynamic.some((d) => d.toLowerCase() === "requires-dist")) {
    return "Requires-Dist marked Dynamic";
  }
  return undefined;
}

/** The fields the core metadata specification marks "multiple use" (lower-cased). */
const MULTIPLE_USE = new Set([
  "dynamic",
  "platform",
  "supported-platform",
  "license-file",
  "classifier",
  "requires-dist",
  "requires-external",
  "project-url",
  "provides-extra",
  "provides-dist",
  "obsoletes-dist",
  "requires",
  "provides",
  "obsoletes",
]);

/**
 * The JSON-compatible form of core metadata (core metadata specification, "JSON-compatible
 * Metadata"; what pip's installation report carries): keys lower-cased with `-` as `_`;
 * multiple-use fields (and any header that repeats) as lists, the others as strings; `keywords`
 * a list (split on commas, or on whitespace when it has none, as pip reads old files);
 * `description` the body, else the header. Shape: `{"metadata_version": "2.1", "name": ...,
 * "requires_dist": [...], ...}`, keys in file order.
 */
export function coreMetadataJson(m: CoreMetadata): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [field, values] of Object.entries(m.fields)) {
    if (field === "description") continue;
    const key = field.replace(/-/g, "_");
    if (field === "keywords") {
      const text = values[0];
      out[key] = text.includes(",") ? text.split(",").map((k) => k.trim()) : text.split(/\s+/);
      out[key] = (out[key] as string[]).filter((k) => k !== "");
    } else if (MULTIPLE_USE.has(field) || values.length > 1) {
      out[key] = [...values];
    } else {
      out[key] = values[0];
    }
  }
  if (m.description !== undefined) out.description = m.description;
  return out;
}
