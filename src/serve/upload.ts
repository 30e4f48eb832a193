// The PyPI legacy upload API, so `twine upload --repository-url http://HOST/legacy/` works
// against an internal index. Off unless the server was given an upload token.
// Spec: https://docs.pypi.org/api/upload/ (multipart/form-data with `:action=file_upload`,
// `protocol_version=1`, `content`, `name`, `version`, `filetype`, `sha256_digest`, ...);
// authentication as PyPI does it: HTTP Basic with user `__token__` and the token as password.
// Traps:
// - Missing credentials answer 401 with WWW-Authenticate (twine then asks for them); wrong ones
//   403, and the token is compared in constant time.
// - The body is limited (413 UPLOAD_TOO_LARGE past --max-upload-size), checked after the
//   credentials: a multipart body is held in memory several times over while it is parsed.
// - The upload goes through the same staging as `wheelhouse add` (inspect, hash, blob first), so
//   a bad file stores nothing; a known filename with other bytes is 409, the same bytes a no-op.
// - A filename with blanks, control characters or path separators is refused before parsing.
// - An archived or quarantined project takes no upload (PEP 792): 403, before anything is staged.

import { createHash, timingSafeEqual } from "node:crypto";
import { Readable } from "node:stream";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { quotedReason, WheelhouseError } from "../pep/errors.js";
import { parseDistributionFilename } from "../pep/filename.js";
import { canonicalizeName } from "../pep/names.js";
import { normalizeVersion } from "../pep/version.js";
import { commitProject } from "../store/commit.js";
import { projectStatus } from "../store/project-status.js";
import { stageDistribution } from "../store/stage.js";
import type { Store } from "../store/store.js";
import { problem } from "./problem.js";

/** What the upload route needs. */
export interface UploadOptions {
  store: Store;
  token: string;
  /** The largest request body accepted, in bytes: a bigger one is refused with 413. */
  maxBytes: number;
  /** Called after a file was added, so cached pages are dropped. */
  onChange: () => void;
  log?: (line: string) => void;
}

/** Mount `POST /` and `POST /legacy/` on `app`. */
export function mountUploadRoutes(app: Hono, options: UploadOptions): void {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () =>
      problem(
        413,
        "UPLOAD_TOO_LARGE",
        `the upload is larger than this server accepts (${options.maxBytes} bytes)`,
      ),
  });
  const handler = (c: Context) => upload(c, options);
  for (const path of ["/", "/legacy", "/legacy/"]) {
    // Credentials first: an unauthenticated client learns nothing, not even the size limit.
    app.post(
      path,
      (c, next) => checkCredentials(c.req.header("Authorization"), options.token) ?? next(),
      limit,
      handler,
    );
  }
}

async function upload(c: Context, options: UploadOptions): Promise<Response> {
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (error) {
    return problem(
      400,
      "INVALID_UPLOAD",
      `the upload is not valid multipart/form-data: ${(error as Error).message}`,
    );
  }
  const field = (name: string): string | undefined => {
    const v = form[name];
    const one = Array.isArray(v) ? v[0] : v;
    return typeof one === "string" ? one : undefined;
  };
  if (field(":action") !== "file_upload") {
    return problem(
      400,
      "UNSUPPORTED_ACTION",
      `":action" ${JSON.stringify(field(":action") ?? "")} is not supported; only "file_upload" is`,
    );
  }
  const content = Array.isArray(form.content) ? form.content[0] : form.content;
  if (!(content instanceof File)) {
    return problem(400, "INVALID_UPLOAD", `the upload has no "content" file part`);
  }
  const filename = content.name;
  // The filename parser trims the version as PEP 440 allows in metadata ("demo-2.0\n.tar.gz"
  // reads as 2.0), so the same bytes could be stored again under names with blanks, control
  // characters or path separators, and print as forged lines in the log. PyPI refuses them too.
  if (/[\s\p{Cc}/\\]/u.test(filename)) {
    return problem(
      400,
      "INVALID_FILENAME",
      `filename ${JSON.stringify(filename)} is invalid: it holds a blank, a control character or a path separator`,
    );
  }
  try {
    const parsed = parseDistributionFilename(filename);
    const name = field("name");
    const version = field("version");
    if (name !== undefined && canonicalizeName(name) !== parsed.name) {
      return problem(
        400,
        "NAME_MISMATCH",
        `field name ${JSON.stringify(name)} does not match file ${JSON.stringify(filename)}`,
      );
    }
    if (version !== undefined && normalizeVersion(version) !== parsed.version) {
      return problem(
        400,
        "VERSION_MISMATCH",
        `field version ${JSON.stringify(version)} does not match file ${JSON.stringify(filename)}`,
      );
    }
    const status = projectStatus(options.store, parsed.name);
    if (status?.status === "archived" || status?.status === "quarantined") {
      return problem(
        403,
        status.status === "archived" ? "PROJECT_ARCHIVED" : "PROJECT_QUARANTINED",
        `project ${JSON.stringify(parsed.name)} is ${status.status} in this index${quotedReason(status.reason)}: it takes no uploads`,
      );
    }
    const bytes = Buffer.from(await content.arrayBuffer());
    const sha256 = field("sha256_digest")?.toLowerCase();
    // twine sends md5 (and blake2b-256, which Node cannot compute) besides sha256; a client
    // that sends md5 alone still gets it checked.
    const md5 = field("md5_digest")?.toLowerCase();
    if (md5 && createHash("md5").update(bytes).digest("hex") !== md5) {
      return problem(
        400,
        "HASH_MISMATCH",
        `${JSON.stringify(filename)} does not match its md5_digest ${JSON.stringify(md5)}`,
      );
    }
    const staged = await stageDistribution(options.store, Readable.from([bytes]), {
      filename,
      source: "upload",
      size: bytes.length,
      ...(sha256 ? { sha256 } : {}),
      uploadTime: new Date().toISOString(),
    });
    const [result] = commitProject(options.store, [staged]);
    if (result.status === "refused") throw result.error;
    options.onChange();
    options.log?.(`upload ${filename} ${result.status}`);
    return c.json({ status: result.status, filename, sha256: result.file.sha256 }, 200);
  } catch (error) {
    if (error instanceof WheelhouseError) {
      const status =
        error.code === "FILENAME_CONFLICT" ? 409 : error.code === "STORE_WRITE_FAILED" ? 500 : 400;
      return problem(status, error.code, error.message);
    }
    throw error;
  }
}

function checkCredentials(header: string | undefined, token: string): Response | undefined {
  const challenge = { "WWW-Authenticate": 'Basic realm="wheelhouse"' };
  if (!header?.toLowerCase().startsWith("basic ")) {
    return problem(
      401,
      "CREDENTIALS_REQUIRED",
      "uploads need HTTP Basic credentials: user __token__, the upload token as password",
      challenge,
    );
  }
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = decoded.slice(0, colon);
  const password = Buffer.from(decoded.slice(colon + 1));
  const expected = Buffer.from(token);
  const ok =
    colon >= 0 &&
    user === "__token__" &&
    password.length === expected.length &&
    timingSafeEqual(password, expected);
  return ok
    ? undefined
    : problem(
        403,
        "INVALID_CREDENTIALS",
        "the upload credentials are wrong (user must be __token__ and the password the upload token)",
      );
}
