// The server's URL scheme: where each file and its core metadata live.
// Spec: https://packaging.python.org/en/latest/specifications/simple-repository-api/ (file URLs
// are opaque to clients, but the last path segment must be the filename; PEP 658 puts the
// metadata at `<file-url>.metadata`).
// Trap: the sha256 in the path makes every file URL immutable, so caches may keep it forever.

/** Path of a stored file: `/files/<sha256>/<filename>` (filename percent-encoded). */
export function filePath(sha256: string, filename: string): string {
  return `/files/${sha256}/${encodeURIComponent(filename)}`;
}

/** The URL to put in pages: absolute under `baseUrl` when given, else an absolute path. */
export function fileUrl(baseUrl: string | undefined, sha256: string, filename: string): string {
  const path = filePath(sha256, filename);
  return baseUrl === undefined ? path : `${baseUrl.replace(/\/+$/, "")}${path}`;
}
