// The CLI shell: every command and flag, parsed with commander. No logic beyond wiring: each
// command's action lazily imports its module in cmd/ and calls its `run(options)`.
// Trap: commander exits by itself on --help/--version/usage errors unless exitOverride() is set;
// we map its errors to exit code 2 (usage) and let --help/--version exit 0.

import { Command, CommanderError } from "commander";
import { WheelhouseError } from "../pep/errors.js";
import { reportError } from "./report-error.js";
import { VERSION } from "./version.js";

/** A command's implementation: takes parsed options (and positional args), returns an exit code. */
export type CommandRun = (args: string[], options: Record<string, unknown>) => Promise<number>;

let exitCode = 0;

function action(load: () => Promise<{ run: CommandRun }>) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const options = command.opts();
    const args = command.args;
    try {
      const mod = await load();
      exitCode = await mod.run(args, options);
    } catch (error) {
      exitCode = reportError(error);
      // Scripts reading --json get an answer on stdout too (the lines on stderr stay as they are).
      if (options.json === true) process.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
    }
  };
}

/**
 * Accumulate a repeatable option. Commander treats every `--no-X` flag as the negation of `X`
 * and seeds it with `true`, so `--no-binary NAMES` arrives here with `previous === true`.
 */
function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/** Build the commander program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("wheelhouse")
    .description("Python packages for places the internet does not reach.")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const store = (c: Command) =>
    c
      .option("--store <dir>", "store directory (env WHEELHOUSE_STORE)")
      .option("--json", "print a JSON report on stdout");
  const requirements = (c: Command) =>
    c
      .argument(
        "[req...]",
        "requirements (PEP 508), e.g. 'flask>=3', or paths and URLs of wheels and sdists",
      )
      .option(
        "-r, --requirement <file>",
        "requirements file, pylock.toml or pyproject.toml (repeatable)",
        collect,
      )
      .option("-c, --constraint <file>", "constraints file (repeatable)", collect)
      .option(
        "--extra <name>",
        "with -r pyproject.toml: this optional-dependencies extra (repeatable)",
        collect,
      )
      .option("--all-extras", "with -r pyproject.toml: every optional-dependencies extra")
      .option(
        "--group <[path:]name>",
        "a dependency group (PEP 735) of ./pyproject.toml or PATH, as pip's --group (repeatable)",
        collect,
      );
  const targets = (c: Command) =>
    c
      .option(
        "--target <spec>",
        "target environment, e.g. cp311-manylinux_2_28_x86_64 (repeatable)",
        collect,
      )
      .option(
        "--python-version <x.y>",
        "target Python version (repeatable: each version with each --platform is a target)",
        collect,
      )
      .option(
        "--platform <tag>",
        "target platform tag, e.g. manylinux_2_28_x86_64 (repeatable, as in pip)",
        collect,
      )
      .option(
        "--python-platform <triple>",
        "target platform as uv names it, e.g. x86_64-unknown-linux-gnu, macos (repeatable)",
        collect,
      )
      .option("--implementation <impl>", "target implementation: cp or pp")
      .option("--abi <tag>", "target ABI tag, e.g. cp311 (repeatable, as in pip)", collect);
  const upstream = (c: Command) =>
    c
      .option("-i, --index-url <url>", "upstream simple index (env WHEELHOUSE_INDEX_URL)")
      .option("--extra-index-url <url>", "another simple index (repeatable)", collect)
      .option(
        "--index-strategy <strategy>",
        "unsafe-best-match (pip: every index's files) or first-index (uv: the first index that has the project, extra indexes first)",
      )
      .option(
        "-f, --find-links <path|url>",
        "flat directory or HTML page of files (repeatable)",
        collect,
      )
      .option("--no-index", "use only --find-links sources")
      .option("--only-binary <names>", "wheels only: :all:, :none: or names (repeatable)", collect)
      .option("--no-binary <names>", "sdists only: :all:, :none: or names (repeatable)", collect)
      .option("--prefer-binary", "prefer an older wheel over a newer sdist")
      .option("--pre", "allow pre-releases")
      .option("--exclude-newer <date>", "ignore files uploaded after this date (RFC 3339)")
      .option("--concurrency <n>", "parallel downloads", "8");
  /** pip's network options; `what` names what they reach. */
  const network = (c: Command, what: string) =>
    c
      .option("--retries <n>", "retries per request", "5")
      .option("--timeout <s>", "timeout per request in seconds", "30")
      .option(
        "--proxy <url>",
        `proxy for every ${what} (else HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, minus NO_PROXY)`,
      )
      .option("--cert <file>", "CA bundle for TLS verification")
      .option("--client-cert <file>", "client certificate (PEM, key included)");

  store(
    targets(
      network(
        upstream(
          requirements(
            program
              .command("sync")
              .description("resolve and download a dependency closure into the store"),
          ),
        ),
        "upstream",
      ),
    ),
  )
    .option("--require-hashes", "every requirement must carry --hash")
    .option("--no-deps", "only the requirements themselves, not their dependencies")
    .option(
      "--build-metadata",
      "ask an sdist's build backend for its dependencies when its PKG-INFO may not list them (runs it here, as pip download does)",
    )
    .option(
      "--no-provenance",
      "do not fetch and keep the PEP 740 provenance (attestations) the index offers for each file",
    )
    .option(
      "-d, --dest <dir>",
      "also copy the chosen files into this folder, as pip download -d (a --find-links folder)",
    )
    .option("-q, --quiet", "print only warnings and errors (and --json's report)")
    .option("--dry-run", "resolve and report, download nothing")
    .option("--lock <file>", "write a PEP 751 pylock.toml covering every target")
    .option(
      "--report <file>",
      "write pip's installation report (JSON) of what was chosen; one per target when there are several; - for stdout",
    )
    .option(
      "--requirements-out <file>",
      "write hashed requirements; with several targets one file each, the target spec inserted before the extension (reqs.cp312-win_amd64.txt)",
    )
    .action(action(() => import("./sync.js")));

  store(
    program
      .command("serve")
      .description("serve the store as a simple index (PEP 503/691/658/700/714/792)")
      .option("--host <host>", "address to listen on", "127.0.0.1")
      .option("--port <port>", "port to listen on (0: any free port)", "8080")
      .option("--base-url <url>", "public URL of the server, for absolute links")
      .option(
        "--upload-token <token>",
        "enable uploads with this token (env WHEELHOUSE_UPLOAD_TOKEN)",
      )
      .option("--max-upload-size <MiB>", "largest upload accepted, in MiB", "1024")
      .option("--tls-cert <file>", "serve HTTPS with this PEM certificate chain (with --tls-key)")
      .option("--tls-key <file>", "the PEM private key of --tls-cert")
      .option("--quiet", "do not log requests"),
  ).action(action(() => import("./serve.js")));

  store(
    network(
      requirements(
        program
          .command("install")
          .description("install from the store and --find-links only; never an index"),
      ),
      "find-links URL",
    ),
  )
    .option("--python <path>", "install into this interpreter's environment")
    .option("--venv <dir>", "install into this venv (created when missing)")
    .option("--user", "install into the user site (~/.local, or PYTHONUSERBASE), as pip --user")
    .option("-t, --target <dir>", "install into this directory (packages at its top level)")
    .option("--prefix <dir>", "install under this prefix (its lib/pythonX.Y/site-packages, bin)")
    .option(
      "-f, --find-links <path|url>",
      "flat directory or HTML page of files (repeatable)",
      collect,
    )
    .option("--no-store", "do not use the store")
    .option(
      "-e, --editable <dir>",
      "refused: give the directory without -e (it is built into a wheel and installed)",
      collect,
    )
    .option("--no-index", "accepted for pip's command lines; install never reads an index")
    .option("-i, --index-url <url>", "refused: install never reads an index (see --find-links)")
    .option("--extra-index-url <url>", "refused, as --index-url", collect)
    .option("--require-hashes", "every requirement must carry --hash")
    .option("--no-deps", "do not install dependencies")
    .option("-U, --upgrade", "upgrade the requested projects to their newest versions")
    .option(
      "--upgrade-strategy <strategy>",
      "with --upgrade: only-if-needed (dependencies only when required) or eager",
    )
    .option("--force-reinstall", "reinstall even when up to date")
    .option("--compile", "byte-compile installed .py files")
    .option("--no-warn-script-location", "do not warn when scripts land in a directory not on PATH")
    .option("--pre", "allow pre-releases")
    .option("--only-binary <names>", "wheels only: :all:, :none: or names (repeatable)", collect)
    .option(
      "--no-binary <names>",
      "sdists only, built offline: :all:, :none: or names (repeatable)",
      collect,
    )
    .option("--prefer-binary", "prefer an older wheel over a newer sdist")
    .option("-I, --ignore-installed", "what is installed does not count (replaced by its RECORD)")
    .option("--ignore-requires-python", "do not check Requires-Python")
    .option(
      "--break-system-packages",
      "install into an externally managed environment (PEP 668) all the same",
    )
    .option("--root <dir>", "install everything under this directory (a DESTDIR)")
    .option(
      "--no-build-isolation",
      "builds (sdists, source trees) use the build requirements already installed",
    )
    .option("--use-pep517", "builds go through PEP 517 (passed to pip wheel)")
    .option("--check-build-dependencies", "builds check them (passed to pip wheel)")
    .option("-v, --verbose", "also name each distribution installed when not on a terminal")
    .option("--progress-bar <on|off>", "off: no progress lines")
    .option("-q, --quiet", "print only warnings and errors (and --json's report)")
    .option("--disable-pip-version-check", "accepted for pip's command lines; changes nothing")
    .option("--no-input", "accepted for pip's command lines; install never prompts")
    .option("--no-color", "accepted for pip's command lines; install prints no colours")
    .option("--isolated", "accepted for pip's command lines; install reads no pip configuration")
    .option("--no-python-version-warning", "accepted for pip's command lines; changes nothing")
    .option("--no-cache-dir", "accepted for pip's command lines; install keeps no download cache")
    .option("--dry-run", "resolve and report, change nothing")
    .option(
      "--report <file>",
      "write pip's installation report (JSON) of what is to be installed, before installing; - for stdout",
    )
    .action(action(() => import("./install.js")));

  store(
    targets(
      requirements(
        program.command("bundle").description("pack a resolved set into a self-verifying tarball"),
      ),
    ),
  )
    .requiredOption("-o, --output <file>", "the tarball to write (.tar.gz)")
    .option("--sync", "first sync what is missing from the upstream")
    .option("-i, --index-url <url>", "upstream for --sync (env WHEELHOUSE_INDEX_URL)")
    .option("--extra-index-url <url>", "another simple index for --sync (repeatable)", collect)
    .option("--index-strategy <strategy>", "for --sync: unsafe-best-match or first-index")
    .option(
      "-f, --find-links <path|url>",
      "flat directory or HTML page for --sync (repeatable)",
      collect,
    )
    .option("--pre", "allow pre-releases")
    .action(action(() => import("./bundle.js")));

  store(
    program
      .command("import")
      .description("verify a bundle or export and load it into the store")
      .argument("<file>", "a .tar.gz made by bundle or export"),
  ).action(action(() => import("./import.js")));

  store(
    program
      .command("export")
      .description("pack the store (or what is new since a bundle) into a tarball")
      .requiredOption("-o, --output <file>", "the tarball to write (.tar.gz)")
      .option(
        "--since <bundle|manifest>",
        "only files not recorded in this bundle or manifest.json (repeatable: a base and its deltas)",
        collect,
      ),
  ).action(action(() => import("./export.js")));

  store(
    program
      .command("add")
      .description("add wheels and sdists (files or flat directories) to the store")
      .argument("<path...>", "files or directories"),
  ).action(action(() => import("./add.js")));

  store(
    program
      .command("list")
      .description("list projects, or one project's releases and files")
      .argument("[project]", "project name"),
  ).action(action(() => import("./list.js")));

  store(
    program
      .command("verify")
      .description("re-hash every blob; report missing and corrupt files")
      .option("--repair", "remove the rows and blobs of bad files"),
  ).action(action(() => import("./verify.js")));

  store(
    program
      .command("remove")
      .description(
        "remove files, or releases matched by a specifier, from the store's catalog (gc frees the blobs)",
      )
      .argument(
        "[selector...]",
        "a filename, or a project with an optional specifier: lib, 'lib<2', lib-1.0-py3-none-any.whl",
      )
      .option(
        "--keep-latest <n>",
        "keep the n newest releases of each project named (of every project, when none is)",
      )
      .option("--dry-run", "print what would be removed; remove nothing"),
  ).action(action(() => import("./remove.js")));

  store(
    program
      .command("status")
      .description(
        "show projects' statuses (PEP 792), or set one: active, archived, quarantined, deprecated",
      )
      .argument("[project]", "project name")
      .argument("[status]", "the store's own status for it (active removes any)")
      .option("--reason <text>", "why, stated on the index page with the status"),
  ).action(action(() => import("./status.js")));

  store(
    program
      .command("gc")
      .description("remove unreferenced blobs and tmp leftovers")
      .option("--grace <seconds>", "keep what is younger than this (in-flight writes)", "3600"),
  ).action(action(() => import("./gc.js")));

  store(program.command("du").description("total and per-project size, from the catalog")).action(
    action(() => import("./du.js")),
  );

  for (const c of program.commands) c.exitOverride();
  return program;
}

/** `{"error": {code, message, hint?}}`: what a failed command prints on stdout with --json. */
function errorJson(error: unknown): { error: { code: string; message: string; hint?: string } } {
  if (error instanceof WheelhouseError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    };
  }
  return { error: { code: "INTERNAL_ERROR", message: (error as Error)?.message ?? String(error) } };
}

/** Parse argv and run; resolves to the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  exitCode = 0;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return 0;
      }
      return 2;
    }
    return reportError(error);
  }
  return exitCode;
}
