// Hashes carried in a distribution URL's fragment (`#sha256=...`), as PEP 503 pages give them and
// as some PEP 691 pages still do; shared by the HTML and JSON readers.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (hash in
// the URL fragment: `#<hashname>=<hashvalue>`)

const HEX = /^[0-9a-f]+$/i;

/**
 * Hashes from a URL fragment: `name=hex` pairs separated by "&" (pip reads the same shape);
 * names lower-cased, values lower-case hex; anything else (`egg=`, `subdirectory=`) is skipped.
 */
export function hashesFromFragment(fragment: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const part of fragment.replace(/^#/, "").split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1);
    if (/^[a-z0-9_]+$/.test(name) && HEX.test(value) && name !== "egg") {
      hashes[name] = value.toLowerCase();
    }
  }
  return hashes;
}
