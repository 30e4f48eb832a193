// Error answers of the server as RFC 9457 problem details (`application/problem+json`), so
// clients and scripts get a stable `code` besides the HTTP status.
// Spec: https://www.rfc-editor.org/rfc/rfc9457
// Trap: pip shows the body of a 4xx to the user only for uploads (twine prints it), so the
// `detail` must stand on its own and quote the offending input.

/** A problem+json response with `status`, a short `title`, a stable `code` and the `detail`. */
export function problem(
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const title = TITLES[status] ?? "Error";
  return new Response(JSON.stringify({ type: "about:blank", title, status, code, detail }), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Payload Too Large",
  416: "Range Not Satisfiable",
  500: "Internal Server Error",
};
