// `wheelhouse install` through the built CLI from each kind of source and into each kind of
// environment: the store (and --no-store ignoring it), a find-links URL served by
// `wheelhouse serve`, --python into an externally managed environment (PEP 668) and into a venv,
// --user (the user site, behind which the interpreter's own site-packages stay untouched),
// hashed requirements files, and sdists built offline with pip (a real build backend from the
// corpus when present).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ran, startServe, wheelhouse } from "../helpers/cli.js";
import { corpusPath, HAS_CORPUS } from "../helpers/corpus.js";
import {
  type BuiltDistribution,
  buildSdist,
  buildWheel,
  writeDistributions,
} from "../helpers/wheels.js";
import { listTree } from "../mirror/install/env.js";
import {
  freshVenv as makeFresh,
  pythonCopy,
  report,
  runInstall,
  sitePackages,
  writeMarker,
} from "./install-cli.js";

let root: string;
let links: string;
let store: string;
let app: BuiltDistribution;
let lib: BuiltDistribution;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wh-cli-install-src-"));
  links = join(root, "links");
  store = join(root, "store");
  mkdirSync(links);
  app = await buildWheel({ name: "app", version: "1.0", requiresDist: ["lib>=2"] });
  lib = await buildWheel({ name: "lib", version: "2.0" });
  await writeDistributions(links, [app, lib]);
  const added = await wheelhouse(["add", "--store", store, links]);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const install = (args: string[], env: NodeJS.ProcessEnv = {}) => runInstall(root, args, env);
const freshVenv = () => makeFresh(root);
/** "name version source" of each installed distribution, sorted. */
const installed = (ran: Ran) =>
  report(ran)
    .installed.map((p) => `${p.name} ${p.version} ${p.source}`)
    .sort();

describe("install from the store", () => {
  it("installs from --store, and from WHEELHOUSE_STORE", async () => {
    expect(
      installed(await install(["--venv", freshVenv(), "--store", store, "app", "--json"])),
    ).toEqual(["app 1.0 store", "lib 2.0 store"]);
    expect(
      installed(
        await install(["--venv", freshVenv(), "app", "--json"], { WHEELHOUSE_STORE: store }),
      ),
    ).toEqual(["app 1.0 store", "lib 2.0 store"]);
  });

  it("--no-store ignores it, whether given by --store or WHEELHOUSE_STORE", async () => {
    const venv = freshVenv();
    const before = listTree(venv);
    for (const ran of [
      await install(["--venv", venv, "--store", store, "--no-store", "app"]),
      await install(["--venv", venv, "--no-store", "app"], { WHEELHOUSE_STORE: store }),
    ]) {
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(/^error: .*\bapp\b/m);
    }
    expect(listTree(venv)).toEqual(before);
    // With a find-links dir instead, the same request works.
    expect(
      installed(
        await install([
          "--venv",
          venv,
          "--store",
          store,
          "--no-store",
          "-f",
          links,
          "app",
          "--json",
        ]),
      ),
    ).toEqual([`app 1.0 ${links}`, `lib 2.0 ${links}`]);
  });
});

describe("install from a find-links URL", () => {
  it("reads `wheelhouse serve`'s /links/ page and downloads what it chose", async () => {
    const serve = await startServe(["--store", store, "--quiet"]);
    try {
      const url = `${serve.url}/links/`;
      const venv = freshVenv();
      expect(
        installed(await install(["--venv", venv, "--no-store", "-f", url, "app", "--json"])),
      ).toEqual([`app 1.0 ${url}`, `lib 2.0 ${url}`]);
      const python = join(venv, "bin", "python");
      expect(
        execFileSync(python, ["-c", "import app, lib; print(lib.__version__)"], {
          encoding: "utf8",
        }),
      ).toBe("2.0\n");
    } finally {
      await serve.stop();
    }
  });

  /** A /links page and its files, behind Basic auth as u:s3cret; `/links` redirects to it. */
  async function authServer(): Promise<{ port: number; close(): void }> {
    const expected = `Basic ${Buffer.from("u:s3cret").toString("base64")}`;
    const files = new Map([app, lib].map((d) => [`/links/${d.filename}`, d.bytes]));
    const server = createServer((req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="x"' }).end();
      } else if (req.url === "/links") {
        res.writeHead(301, { location: "/links/" }).end();
      } else if (req.url === "/links/") {
        const body = [app, lib].map((d) => `<a href="${d.filename}">${d.filename}</a>`).join("\n");
        res.writeHead(200, { "content-type": "text/html" }).end(body);
      } else if (files.has(req.url ?? "")) {
        res.writeHead(200).end(files.get(req.url ?? ""));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as AddressInfo;
    return { port, close: () => server.close() };
  }

  it("follows a redirect to the page (links resolve against where it landed) and sends credentials given in the URL, never showing the password", async () => {
    const server = await authServer();
    const { port } = server;
    try {
      const good = `http://u:s3cret@127.0.0.1:${port}/links`;
      const ran = await install(["--venv", freshVenv(), "--no-store", "-f", good, "app", "--json"]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(installed(ran)).toEqual([
        `app 1.0 http://u:****@127.0.0.1:${port}/links`,
        `lib 2.0 http://u:****@127.0.0.1:${port}/links`,
      ]);
      expect(ran.stdout).not.toContain("s3cret");
      const bad = `http://u:wrong@127.0.0.1:${port}/links`;
      const refused = await install(["--venv", freshVenv(), "--no-store", "-f", bad, "app"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("HTTP 401");
      expect(refused.stderr).toMatch(/^hint: .*netrc/m);
      expect(refused.stderr).not.toContain("wrong");
    } finally {
      server.close();
    }
  });

  it("skips a page that answers 404 or cannot be reached, with a warning, as pip does", async () => {
    const missing = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => missing.listen(0, "127.0.0.1", () => r()));
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, "127.0.0.1", () => r()));
    const closedPort = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    try {
      const notFound = `http://127.0.0.1:${(missing.address() as AddressInfo).port}/links/`;
      const unreachable = `http://127.0.0.1:${closedPort}/links/`;
      const args = ["--venv", freshVenv(), "--no-store", "--retries", "0"];
      args.push("-f", notFound, "-f", unreachable);
      const ran = await install([...args, "-f", links, "app", "--json"]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(installed(ran)).toEqual([`app 1.0 ${links}`, `lib 2.0 ${links}`]);
      expect(ran.stderr).toMatch(/^warning: .*answered HTTP 404 Not Found; skipped/m);
      expect(ran.stderr).toMatch(/^warning: .*could not be reached.*; skipped/m);
      // With nothing else to read, the answer is pip's: no matching distribution.
      const alone = await install(["--venv", freshVenv(), "--no-store", "-f", notFound, "app"]);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toMatch(/^warning: .*HTTP 404 Not Found; skipped/m);
      expect(alone.stderr).toMatch(/^error: .*app/m);
      expect(alone.stderr).toMatch(
        /^hint: .*the store, filled by wheelhouse sync; --find-links\)$/m,
      );
    } finally {
      missing.close();
    }
  });

  it("takes the credentials of a URL without any from the host's netrc entry ($NETRC), as pip does", async () => {
    const server = await authServer();
    const netrc = join(root, "netrc");
    try {
      const url = `http://127.0.0.1:${server.port}/links`;
      writeFileSync(netrc, "machine 127.0.0.1\n  login u\n  password s3cret\n");
      const ran = await install(["--venv", freshVenv(), "--no-store", "-f", url, "app", "--json"], {
        NETRC: netrc,
      });
      expect(ran.code, ran.stderr).toBe(0);
      expect(installed(ran)).toEqual([`app 1.0 ${url}`, `lib 2.0 ${url}`]);
      writeFileSync(netrc, "machine 127.0.0.1 login u password wrong\n");
      const refused = await install(["--venv", freshVenv(), "--no-store", "-f", url, "app"], {
        NETRC: netrc,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("HTTP 401");
      // An empty NETRC means none, as for requests.
      const none = await install(["--venv", freshVenv(), "--no-store", "-f", url, "app"], {
        NETRC: "",
      });
      expect(none.stderr).toContain("HTTP 401");
    } finally {
      server.close();
    }
  });

  it("checks the digest a page states even when it is not a sha256 (#md5=), as pip does", async () => {
    const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
    let lie = false;
    const server = createServer((req, res) => {
      if (req.url === "/links/") {
        const body = [app, lib]
          .map((d) => {
            const stated = lie && d === lib ? "0".repeat(32) : md5(d.bytes);
            return `<a href="${d.filename}#md5=${stated}">${d.filename}</a>`;
          })
          .join("\n");
        res.writeHead(200, { "content-type": "text/html" }).end(body);
      } else if (req.url === `/links/${app.filename}`) res.writeHead(200).end(app.bytes);
      else if (req.url === `/links/${lib.filename}`) res.writeHead(200).end(lib.bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/links/`;
      const ran = await install(["--venv", freshVenv(), "--no-store", "-f", url, "app", "--json"]);
      expect(ran.code, ran.stderr).toBe(0);
      lie = true;
      const venv = freshVenv();
      const refused = await install(["--venv", venv, "--no-store", "-f", url, "app"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `has md5 ${md5(lib.bytes)}, the page says ${"0".repeat(32)}`,
      );
    } finally {
      server.close();
    }
  });

  it("exits 1 naming the URL when nothing answers there", async () => {
    const url = "http://127.0.0.1:9/links/";
    const ran = await install([
      "--venv",
      freshVenv(),
      "--no-store",
      "--retries",
      "0",
      "-f",
      url,
      "app",
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(url);
  });
});

describe("install --python", () => {
  const externallyManaged = (name = "managed", marker = true) => pythonCopy(root, name, marker);

  it("keeps a probe on disk, and probes again once PEP 668's marker appears", async () => {
    const python = externallyManaged("unmanaged", false);
    const env = { WHEELHOUSE_CACHE_DIR: join(root, "probe-cache") };
    const first = await install(
      ["--python", python, "--no-store", "-f", links, "app", "--dry-run"],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    const kept = readdirSync(join(root, "probe-cache", "interpreters"));
    expect(kept.filter((f) => f.startsWith("python-"))).toHaveLength(1);
    writeMarker(
      join(dirname(dirname(python)), "lib", readdirSync(join(dirname(dirname(python)), "lib"))[0]),
    );
    const second = await install(
      ["--python", python, "--no-store", "-f", links, "app", "--dry-run"],
      env,
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/externally managed \(PEP 668\)/);
  });

  it("refuses an externally managed environment with PEP 668's hint and changes nothing", async () => {
    const python = externallyManaged();
    const before = listTree(join(root, "managed"));
    const ran = await install(["--python", python, "--no-store", "-f", links, "app"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(
      /^error: .*externally managed \(PEP 668\).*belongs to the test suite; use a venv\./m,
    );
    expect(ran.stderr).toMatch(/^hint: .*virtual environment.*PEP 668/m);
    expect(listTree(join(root, "managed"))).toEqual(before);
  });

  it("--user installs into the user site (PYTHONUSERBASE), keeps what the interpreter's own site-packages satisfy, and never removes from them", async () => {
    const python = externallyManaged("for-user", false);
    const own = join(dirname(dirname(python)), "lib");
    const site = join(own, readdirSync(own)[0], "site-packages");
    const userBase = join(root, "user-base");
    const env = { PYTHONUSERBASE: userBase, PYTHONNOUSERSITE: undefined };
    const old = await buildWheel({ name: "lib", version: "1.0" });
    const oldLinks = join(root, "old-lib");
    mkdirSync(oldLinks);
    await writeDistributions(oldLinks, [old]);
    // lib 1.0 in the interpreter's own site-packages: app needs lib>=2, so 2.0 goes to the user
    // site, ahead of it on sys.path, and 1.0 stays where it is.
    const first = await install([
      "--python",
      python,
      "--no-store",
      "-f",
      oldLinks,
      "lib",
      "--json",
    ]);
    expect(first.code, first.stderr).toBe(0);
    const ran = await install(
      ["--python", python, "--user", "--no-store", "-f", links, "app", "--json"],
      env,
    );
    expect(ran.code, ran.stderr).toBe(0);
    expect(installed(ran)).toEqual([`app 1.0 ${links}`, `lib 2.0 ${links}`]);
    expect(report(ran).removed).toEqual([]);
    expect(report(ran).environment).toBe(userBase);
    expect(existsSync(join(site, "lib-1.0.dist-info"))).toBe(true);
    const userSite = execFileSync(
      python,
      ["-c", "import site; print(site.getusersitepackages())"],
      {
        encoding: "utf8",
        env: { ...process.env, ...env },
      },
    ).trim();
    expect(existsSync(join(userSite, "app-1.0.dist-info", "RECORD"))).toBe(true);
    expect(
      execFileSync(python, ["-c", "import app, lib; print(lib.__version__, lib.__file__)"], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      }),
    ).toBe(`2.0 ${join(userSite, "lib", "__init__.py")}\n`);
    // What the interpreter's own site-packages already satisfy is kept, not installed again.
    const again = await install(
      ["--python", python, "--user", "--no-store", "-f", links, "lib>=1", "--json"],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(report(again).installed).toEqual([]);
    // A console script in the user base's bin, which is not on PATH: pip's warning, unless
    // --no-warn-script-location.
    const toolLinks = join(root, "tool-links");
    mkdirSync(toolLinks);
    const tool = await buildWheel({
      name: "usertool",
      version: "1.0",
      files: { "usertool/__init__.py": "def main():\n    print('ran')\n" },
      entryPoints: "[console_scripts]\nusertool = usertool:main\n",
    });
    await writeDistributions(toolLinks, [tool]);
    const bin = join(userBase, "bin");
    /** Install usertool --user with `more` arguments and PATH set to `path`. */
    const installTool = (more: string[], path = process.env.PATH) =>
      install(["--python", python, "--user", "--no-store", "-f", toolLinks, "usertool", ...more], {
        ...env,
        PATH: path,
      });
    const withTool = await installTool(["--json"]);
    expect(withTool.code, withTool.stderr).toBe(0);
    expect(report(withTool).scripts).toEqual([join(bin, "usertool")]);
    expect(withTool.stderr).toMatch(
      new RegExp(`^warning: usertool was installed in "${bin}", which is not on PATH: `, "m"),
    );
    expect(
      execFileSync(join(bin, "usertool"), { encoding: "utf8", env: { ...process.env, ...env } }),
    ).toBe("ran\n");
    const quiet = await installTool(["--force-reinstall"], `${bin}:${process.env.PATH}`);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("not on PATH");
    const off = await installTool(["--force-reinstall"]);
    expect(off.stderr).toContain("not on PATH");
    const silenced = await installTool(["--force-reinstall", "--no-warn-script-location"]);
    expect(silenced.code, silenced.stderr).toBe(0);
    expect(silenced.stderr).not.toContain("not on PATH");
  });

  it("--user is refused in a venv, with --venv, with the user site turned off, and under PEP 668", async () => {
    const venvPython = join(freshVenv(), "bin", "python");
    const inVenv = await install([
      "--python",
      venvPython,
      "--user",
      "--no-store",
      "-f",
      links,
      "app",
    ]);
    expect(inVenv.code).toBe(1);
    expect(inVenv.stderr).toMatch(
      /^error: .*user site-packages are not visible in a virtual environment/m,
    );
    const both = await install(["--venv", join(root, "v-user"), "--user", "-f", links, "app"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--user cannot be combined with --venv");
    expect(existsSync(join(root, "v-user"))).toBe(false);
    const python = externallyManaged("user-off", false);
    const off = await install(["--python", python, "--user", "--no-store", "-f", links, "app"], {
      PYTHONNOUSERSITE: "1",
      PYTHONUSERBASE: join(root, "user-off-base"),
    });
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/^error: .*user site-packages .* are turned off/m);
    expect(existsSync(join(root, "user-off-base"))).toBe(false);
    const managed = externallyManaged("managed-user");
    const refused = await install(
      ["--python", managed, "--user", "--no-store", "-f", links, "app"],
      {
        PYTHONUSERBASE: join(root, "managed-user-base"),
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/externally managed \(PEP 668\)/);
    expect(existsSync(join(root, "managed-user-base"))).toBe(false);
  });

  it("installs into a venv's interpreter given by path", async () => {
    const venv = freshVenv();
    const python = join(venv, "bin", "python");
    const ran = await install(["--python", python, "--no-store", "-f", links, "app", "--json"]);
    expect(installed(ran)).toEqual([`app 1.0 ${links}`, `lib 2.0 ${links}`]);
    expect(existsSync(join(sitePackages(venv), "app-1.0.dist-info", "RECORD"))).toBe(true);
  });
});

describe("install -r with hashes", () => {
  it("passes when every hash matches; fails naming the file when one differs", async () => {
    const venv = freshVenv();
    const reqs = join(root, "hashed.txt");
    writeFileSync(
      reqs,
      `app==1.0 --hash=sha256:${app.sha256}\nlib==2.0 \\\n    --hash=sha256:${"0".repeat(64)}\n`,
    );
    const before = listTree(venv);
    const bad = await install(["--venv", venv, "--no-store", "-f", links, "-r", reqs]);
    expect(bad.code).toBe(1);
    // The resolver drops the file whose hash is not listed, and says so naming it.
    expect(bad.stderr).toMatch(/^error: .*lib==2\.0/m);
    expect(bad.stderr).toMatch(/lib-2\.0-py3-none-any\.whl: sha256 [0-9a-f]{64} matches no --hash/);
    expect(listTree(venv)).toEqual(before);

    writeFileSync(
      reqs,
      `app==1.0 --hash=sha256:${app.sha256}\nlib==2.0 --hash=sha256:${lib.sha256}\n`,
    );
    expect(
      installed(await install(["--venv", venv, "--no-store", "-f", links, "-r", reqs, "--json"])),
    ).toEqual([`app 1.0 ${links}`, `lib 2.0 ${links}`]);
  });

  it("--require-hashes refuses a requirement without --hash", async () => {
    const venv = freshVenv();
    const reqs = join(root, "unhashed.txt");
    writeFileSync(reqs, "lib==2.0\n");
    const ran = await install([
      "--venv",
      venv,
      "--no-store",
      "-f",
      links,
      "-r",
      reqs,
      "--require-hashes",
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error: .*\blib\b/m);
    expect(existsSync(join(sitePackages(venv), "lib-2.0.dist-info"))).toBe(false);
  });
});

/** pyproject.toml of a flit_core project `name` 1.0 (module: the name with "_"). */
function flitPyproject(name: string, description: string, dependencies: string[] = []): string {
  return [
    "[build-system]",
    'requires = ["flit_core>=3.2,<4"]',
    'build-backend = "flit_core.buildapi"',
    "",
    "[project]",
    `name = "${name}"`,
    'version = "1.0"',
    `description = "${description}"`,
    ...(dependencies.length > 0 ? [`dependencies = ${JSON.stringify(dependencies)}`] : []),
    "",
    "[tool.flit.module]",
    `name = "${name.replaceAll("-", "_")}"`,
    "",
  ].join("\n");
}

describe("install when only an sdist is at hand", () => {
  let sdists: string;
  /** A venv that sees the base interpreter's pip (building an sdist needs pip in the target). */
  let venv: string;
  beforeAll(async () => {
    sdists = join(root, "sdists");
    mkdirSync(sdists);
    const pyproject = flitPyproject("built-pkg", "an sdist built by the tests");
    await writeDistributions(sdists, [
      await buildSdist({
        name: "built-pkg",
        version: "1.0",
        pyproject,
        files: { "built_pkg/__init__.py": "VALUE = 42\n" },
      }),
    ]);
    venv = join(root, "pip-venv");
    execFileSync("python3", ["-m", "venv", "--without-pip", "--system-site-packages", venv]);
  });

  it("fails naming the missing build backend and pointing at `wheelhouse sync`", async () => {
    const before = listTree(venv);
    const ran = await install(["--venv", venv, "--no-store", "-f", sdists, "built-pkg"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error: .*built_pkg-1\.0\.tar\.gz.*flit_core/m);
    expect(ran.stderr).toMatch(/^hint: .*wheelhouse sync.*build requirements/m);
    expect(listTree(venv)).toEqual(before);
  });

  it("says pip is needed when the target environment has none", async () => {
    const ran = await install(["--venv", freshVenv(), "--no-store", "-f", sdists, "built-pkg"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^hint: .*needs pip in the target environment/m);
  });

  describe.skipIf(!HAS_CORPUS)("with a real build backend from the corpus", () => {
    /** A find-links dir holding only the corpus's flit_core wheel (made on first use). */
    const backendDir = (): string => {
      const dir = join(root, "backend");
      if (existsSync(dir)) return dir;
      mkdirSync(dir);
      const wheel = readdirSync(corpusPath("build")).find((n) => /^flit_core-3\..*\.whl$/.test(n));
      if (wheel === undefined) throw new Error("no flit_core 3 wheel in the corpus's build folder");
      copyFileSync(corpusPath("build", wheel), join(dir, wheel));
      return dir;
    };

    it("builds it offline from find-links and installs the wheel", async () => {
      const ran = await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        sdists,
        "-f",
        backendDir(),
        "built-pkg",
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toMatch(/^built built_pkg-1\.0-.*\.whl$/m);
      const python = join(venv, "bin", "python");
      expect(
        execFileSync(python, ["-c", "import built_pkg; print(built_pkg.VALUE)"], {
          encoding: "utf8",
        }),
      ).toBe("42\n");
      expect(readdirSync(sitePackages(venv)).filter((n) => n.endsWith(".dist-info"))).toEqual([
        "built_pkg-1.0.dist-info",
      ]);
    });

    /**
     * A find-links dir with dep-pkg's wheel and two sdists whose build (flit_core) requires
     * dep-pkg, while their PKG-INFO lists no dependency: dyn-pkg's PKG-INFO is Metadata-Version
     * 2.1, which does not bind Requires-Dist (PEP 643); bound-pkg's is 2.2, which does.
     */
    const pkgInfoDir = async (): Promise<string> => {
      const dir = join(root, "pkg-info");
      if (existsSync(dir)) return dir;
      mkdirSync(dir);
      const sdist = (name: string, metadataVersion: string) => {
        const module = name.replace("-", "_");
        const pyproject = flitPyproject(name, "an sdist whose build requires dep-pkg", ["dep-pkg"]);
        const files = { [`${module}/__init__.py`]: "" };
        return buildSdist({ name, version: "1.0", metadataVersion, pyproject, files });
      };
      await writeDistributions(dir, [
        await sdist("dyn-pkg", "2.1"),
        await sdist("bound-pkg", "2.2"),
        await buildWheel({ name: "dep-pkg", version: "1.0" }),
      ]);
      return dir;
    };

    it("reads an sdist's dependencies from the wheel it builds when its PKG-INFO does not bind them, as pip does", async () => {
      const dir = await pkgInfoDir();
      const args = ["--venv", venv, "--no-store", "-f", dir, "-f", backendDir()];
      const ran = await install([...args, "--force-reinstall", "dyn-pkg"]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^installed dep-pkg 1\.0$/m);
      expect(ran.stdout).toMatch(/^installed dyn-pkg 1\.0$/m);
      // Built once, while resolving, and that wheel is the one installed.
      expect(ran.stderr.match(/^built dyn_pkg-1\.0-.*\.whl$/gm)).toHaveLength(1);
      expect(readdirSync(sitePackages(venv))).toContain("dep_pkg-1.0.dist-info");
      // A binding PKG-INFO is taken as it is: nothing is built to resolve, only to install.
      const dry = await install([...args, "--dry-run", "bound-pkg"]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stderr).not.toMatch(/^built /m);
      expect(dry.stdout).toMatch(/^would install bound-pkg 1\.0\n1 would install/m);
    });

    it("runs no build of an sdist whose --hash differs", async () => {
      const dir = await pkgInfoDir();
      const reqs = join(root, "dyn-hashes.txt");
      writeFileSync(reqs, `dyn-pkg==1.0 --hash=sha256:${"0".repeat(64)}\n`);
      const ran = await install([
        "--venv",
        venv,
        "--no-store",
        "-f",
        dir,
        "-f",
        backendDir(),
        "--force-reinstall",
        "-r",
        reqs,
      ]);
      expect(ran.code, ran.stderr).toBe(1);
      expect(ran.stderr).toMatch(/dyn[-_]pkg/);
      expect(ran.stderr).not.toMatch(/^built /m);
    });

    it("builds it from the store, the backend coming from the store too", async () => {
      const sdistStore = join(root, "sdist-store");
      const added = await wheelhouse(["add", "--store", sdistStore, sdists, backendDir()]);
      expect(added.code, added.stderr).toBe(0);
      const ran = await install([
        "--venv",
        venv,
        "--store",
        sdistStore,
        "--force-reinstall",
        "built-pkg",
        "--json",
      ]);
      expect(installed(ran)).toEqual(["built-pkg 1.0 store"]);
    });
  });
});
