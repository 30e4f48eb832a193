// The --hash values of requirements files, as sets of allowed sha256 digests per project, for
// sync and install alike.
// Spec: https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
// Trap: pip also accepts sha384 and sha512 values; indexes state (and the store keeps) sha256
// only, so those cannot be checked here. A line whose hashes include a sha256 uses its sha256
// values (a file matching one of them is what pip accepts too); a line with no sha256 value at
// all is refused rather than left to reject every file with a misleading message.

import { quote, WheelhouseError } from "../pep/errors.js";
import { canonicalizeName } from "../pep/names.js";
import type { RequirementLine } from "../pep/requirements-txt.js";

/**
 * Add the sha256 values of `lines` to `into` (canonical project name -> lower-case hex digests).
 * @throws WheelhouseError "HASH_ALGORITHM_UNSUPPORTED" naming the file and line of a requirement
 *   whose --hash values are all of another algorithm.
 */
export function collectHashes(lines: RequirementLine[], into: Map<string, Set<string>>): void {
  for (const line of lines) {
    if (line.hashes.length === 0) continue;
    const sha256 = line.hashes.flatMap((h) => {
      const [algorithm, digest] = h.includes(":") ? h.split(":", 2) : ["sha256", h];
      return algorithm.toLowerCase() === "sha256" ? [digest.toLowerCase()] : [];
    });
    if (sha256.length === 0) {
      throw new WheelhouseError(
        "HASH_ALGORITHM_UNSUPPORTED",
        `${line.source.file}:${line.source.line}: ${quote(line.requirement.name)} has only ${line.hashes
          .map((h) => quote(`--hash=${h.split(":")[0]}:...`))
          .join(", ")}; only sha256 values can be checked`,
        { hint: "add its --hash=sha256:... values (pip hash FILE prints them)" },
      );
    }
    const name = canonicalizeName(line.requirement.name);
    const set = into.get(name) ?? new Set<string>();
    for (const digest of sha256) set.add(digest);
    into.set(name, set);
  }
}
