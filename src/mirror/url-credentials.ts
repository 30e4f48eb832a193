// Credentials in URLs (`https://user:secret@host/simple/`, `https://TOKEN@host/`): how they
// are shown in messages and how they become an Authorization header. Shared by the upstream
// client and install's find-links fetcher (which must not import the upstream client).
// Spec: RFC 3986 section 3.2.1 (userinfo), RFC 7617 (Basic authentication); pip redacts the
// same way (a password becomes "****", and so does a lone username, which is usually a token).

/** The URL for messages: a password in the userinfo, or a username alone (a token), as "****". */
export function redactUrl(url: string | URL): string {
  const u = new URL(url.toString());
  if (u.password) u.password = "****";
  else if (u.username) u.username = "****";
  return u.toString();
}

/**
 * `url` without its userinfo, and the Basic Authorization header value the userinfo stood for
 * (undefined without one). Percent-escapes in the userinfo are decoded first, as Python's
 * unquote does (see {@link unquoteUserinfo}): a bare "%" is kept, not an error.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const u = new URL(url);
  if (!u.username && !u.password) return { url };
  const user = unquoteUserinfo(u.username);
  const password = unquoteUserinfo(u.password);
  u.username = "";
  u.password = "";
  return { url: u.toString(), authorization: basicAuthorization(user, password) };
}

/** The Authorization header value of Basic authentication (RFC 7617, UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

/**
 * Percent-decode userinfo as Python's urllib.parse.unquote does: valid escapes become UTF-8
 * (bad sequences U+FFFD), anything else is kept as written.
 */
export function unquoteUserinfo(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) =>
    Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"),
  );
}
