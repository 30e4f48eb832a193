// The server's URL scheme: where each file and its core metadata live.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (file URLs
// are opaque to clients, but the last path segment must be the filename; PEP 658 puts the
// metadata at `<file-url>.metadata`; PEP 740's provenance URL is any URL: `<file-url>.provenance`).
// Trap: the sha256 in the path makes every file URL immutable, so caches may keep it forever.

/** Path of a stored file: `/files/<sha256>/<filename>` (filename percent-encoded). */
export function filePath(sha256: string, filename: string): string {
  return `/files/${sha256}/${encodeURIComponent(filename)}`;
}

/** The URL to put in pages: absolute under `baseUrl` when given, else an absolute path. */
export function fileUrl(baseUrl: string | undefined, sha256: string, filename: string): string {
  return publicUrl(baseUrl, filePath(sha256, filename));
}

/** The URL of a stored file's PEP 740 provenance object: `<file-url>.provenance`. */
export function provenanceUrl(
  baseUrl: string | undefined,
  sha256: string,
  filename: string,
): string {
  return `${fileUrl(baseUrl, sha256, filename)}.provenance`;
}

/**
 * A server path (`/simple/flask/`) as clients must reach it: under `baseUrl` when given (which
 * may carry a proxy's path prefix, `https://host/pypi/`), else the path itself. For links and
 * redirect `Location`s alike: a bare path would leave the prefix.
 */
export function publicUrl(baseUrl: string | undefined, path: string): string {
  return baseUrl === undefined ? path : `${baseUrl.replace(/\/+$/, "")}${path}`;
}
