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
  // Walks the "&"-separated parts in place: a page of 100 links used to spend more on the
  // regex replace and split than on the checks.
  let start = fragment.charCodeAt(0) === 35 ? 1 : 0; // one leading "#"
  while (start <= fragment.length) {
    let end = fragment.indexOf("&", start);
    if (end < 0) end = fragment.length;
    const eq = fragment.indexOf("=", start);
    if (eq > start && eq < end) {
      const name = fragment.slice(start, eq).toLowerCase();
      const value = fragment.slice(eq + 1, end);
      if (/^[a-z0-9_]+$/.test(name) && HEX.test(value) && name !== "egg") {
        hashes[name] = value.toLowerCase();
      }
    }
    start = end + 1;
  }
  return hashes;
}
