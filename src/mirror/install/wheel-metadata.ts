// The core metadata of a wheel read from its zip, as the store reads it (the last
// `<name>-<version>.dist-info/METADATA` whose name and version match the filename), and of the
// wheel an sdist builds when its PKG-INFO cannot be trusted for dependencies.
// Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/,
// https://peps.python.org/pep-0643/ (which PKG-INFO fields bind)
// Trap: names and versions are compared normalized (PEP 503, PEP 440): `Foo_Bar-1.0` and
// `foo-bar 1.0.0` are the same distribution.

import { type CoreMetadata, parseCoreMetadata } from "../../pep/core-metadata.js";
import { quote, WheelhouseError } from "../../pep/errors.js";
import { parseDistributionFilename } from "../../pep/filename.js";
import { canonicalizeName } from "../../pep/names.js";
import { normalizeVersion } from "../../pep/version.js";
import { type OpenWheel, openWheel } from "./wheel-zip.js";

const DIST_INFO_METADATA = /^([^/]+)-([^/-]+)\.dist-info\/METADATA$/;

function normalized(version: string): string {
  try {
    return normalizeVersion(version);
  } catch {
    return version;
  }
}

/**
 * The core metadata of the open wheel `zip` (the same reader that installs it), checked against
 * `filename` like the store checks it.
 * @throws WheelhouseError CORRUPT_ARCHIVE, NO_METADATA, METADATA_MISMATCH.
 */
export async function readWheelMetadata(zip: OpenWheel, filename: string): Promise<CoreMetadata> {
  const parsed = parseDistributionFilename(filename);
  const candidates = zip.entries.map((e) => e.name).filter((n) => DIST_INFO_METADATA.test(n));
  const member =
    candidates.find((n) => {
      const [, name, version] = DIST_INFO_METADATA.exec(n)!;
      return (
        canonicalizeName(name, { validate: false }) === parsed.name &&
        normalized(version) === normalized(parsed.version)
      );
    }) ?? candidates[0];
  if (member === undefined) {
    throw new WheelhouseError(
      "NO_METADATA",
      `${quote(filename)} has no core metadata (a .dist-info/METADATA)`,
      { hint: "the archive is incomplete or not a Python distribution" },
    );
  }
  const metadata = parseCoreMetadata((await zip.read(member)).toString("utf8"));
  if (
    canonicalizeName(metadata.name, { validate: false }) !== parsed.name ||
    normalized(metadata.version) !== normalized(parsed.version)
  ) {
    throw new WheelhouseError(
      "METADATA_MISMATCH",
      `${quote(filename)} says ${quote(`${parsed.name} ${parsed.version}`)} in its filename but ${quote(`${metadata.name} ${metadata.version}`)} in its core metadata`,
      { hint: "the file was renamed or built wrongly; rebuild it or fix its name" },
    );
  }
  return metadata;
}

/**
 * The core metadata of `wheel`, built from sdist `sdistFilename` whose PKG-INFO is `pkgInfo`.
 * @throws WheelhouseError "METADATA_MISMATCH" when the wheel is of another project or version
 *   than the PKG-INFO says, and readWheelMetadata's errors.
 */
export async function builtWheelMetadata(
  sdistFilename: string,
  pkgInfo: CoreMetadata,
  wheel: { path: string; filename: string },
): Promise<CoreMetadata> {
  const zip = await openWheel(wheel.path, wheel.filename);
  try {
    const built = await readWheelMetadata(zip, wheel.filename);
    if (
      canonicalizeName(built.name, { validate: false }) !==
        canonicalizeName(pkgInfo.name, { validate: false }) ||
      normalized(built.version) !== normalized(pkgInfo.version)
    ) {
      throw new WheelhouseError(
        "METADATA_MISMATCH",
        `sdist ${quote(sdistFilename)} says ${quote(`${pkgInfo.name} ${pkgInfo.version}`)} in its PKG-INFO but built ${quote(wheel.filename)}`,
        {
          hint: "the sdist's build gives another name or version; rebuild the sdist or use a wheel",
        },
      );
    }
    return built;
  } finally {
    zip.close();
  }
}
