// The install scripts a bundle carries, for machines without wheelhouse: install.sh (POSIX sh)
// and install.ps1 (PowerShell). Both run one Python program that checks every file of
// manifest.json (sha256 and size) and picks the requirements file of the interpreter at hand,
// then run pip offline with hash checking.
// Specs: https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html (sh, here-documents)
// Traps:
// - The checks are Python (hashlib), not sha256sum/shasum: Python is needed for pip anyway, and
//   sha256sum is missing on macOS and Windows.
// - A target is matched by the four markers that tell environments apart (implementation_name,
//   python_version, sys_platform, platform_machine), compared case-insensitively (Windows says
//   "AMD64"). With one target its file is used even when they differ, with a warning. Targets
//   the markers cannot tell apart (manylinux and musllinux) must have chosen the same releases
//   (buildLock refuses otherwise), and each requirements line lists every bundled file of its
//   release, so the first that matches serves them all.
// - The program text is the same for every bundle (it reads manifest.json), so the scripts are
//   constant and reproducible.
// - install.sh passes the program with -c from a single-quoted string, so it holds no "'" (a
//   test checks). A here-document inside $(...) is not portable: bash 3.2 (macOS /bin/sh)
//   parses its body as shell code (an apostrophe is a syntax error), bash 4 joins lines
//   ending in a backslash.
// - install.sh finds its folder with CDPATH emptied: with CDPATH exported, `cd dir` prints the
//   folder, and $(cd ... && pwd) returned it twice.
// - Files in wheels/ that manifest.json does not list are refused, as import refuses them: pip's
//   --require-hashes does not cover the isolated build of an sdist, which installs its build
//   requirements from --find-links, so a wheel slipped in there would run.

/** The Python program: argv[1] is the bundle directory; prints the requirements file to use. */
export const CHECK_PY = `import hashlib, json, os, platform, sys

root = sys.argv[1]
with open(os.path.join(root, "manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
bad = []
for entry in manifest["documents"] + manifest["files"] + manifest.get("provenances", []):
    path = entry["path"]
    digest = hashlib.sha256()
    size = 0
    try:
        with open(os.path.join(root, *path.split("/")), "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError as error:
        bad.append("%s is missing or unreadable (%s)" % (path, error.strerror))
        continue
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        bad.append("%s has sha256 %s (%d bytes); manifest.json says %s (%d bytes)"
                   % (path, digest.hexdigest(), size, entry["sha256"], entry["size"]))
# pip looks at every file of wheels/ (--find-links), so nothing unlisted may be there; a name
# starting with "." (.DS_Store) cannot name a project, so pip never uses it.
listed = set(entry["path"] for entry in manifest["files"])
try:
    names = sorted(os.listdir(os.path.join(root, "wheels")))
except OSError:
    names = []
for name in names:
    if not name.startswith(".") and "wheels/" + name not in listed:
        bad.append("wheels/%s is not listed in manifest.json" % name)
if bad:
    for line in bad:
        sys.stderr.write("error: %s\\n" % line)
    sys.stderr.write("error: the bundle is damaged or was altered; nothing was installed\\n")
    sys.exit(1)
here = {
    "implementation_name": sys.implementation.name,
    "python_version": "%d.%d" % sys.version_info[:2],
    "sys_platform": sys.platform,
    "platform_machine": platform.machine(),
}
targets = manifest["targets"]
if not targets:
    sys.stderr.write("error: this archive has no targets (an export): use wheelhouse import\\n")
    sys.exit(1)
def fits(target):
    env = target["environment"]
    return all(str(env[k]).lower() == str(v).lower() for k, v in here.items())
chosen = [t for t in targets if fits(t)]
if not chosen and len(targets) == 1:
    sys.stderr.write("warning: this interpreter (%s) is not the target of this bundle (%s); trying anyway\\n"
                     % (", ".join("%s=%s" % kv for kv in here.items()), targets[0]["spec"]))
    chosen = targets
if not chosen:
    sys.stderr.write("error: no target of this bundle fits this interpreter (%s); bundled: %s\\n"
                     % (", ".join("%s=%s" % kv for kv in here.items()),
                        ", ".join(t["spec"] for t in targets)))
    sys.exit(1)
print(chosen[0]["requirements"])
`;

/** install.sh: POSIX sh; `PYTHON` picks the interpreter; extra arguments go to pip. */
export function installSh(): string {
  return `#!/bin/sh
# Install this bundle's packages offline: check every file against manifest.json, pick the
# requirements file of this interpreter, then run pip with --no-index and --require-hashes.
# Usage: sh install.sh [pip options]   (PYTHON=/path/to/python to choose the interpreter)
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
py=\${PYTHON:-}
if [ -z "$py" ]; then
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then py=$candidate; break; fi
  done
fi
if [ -z "$py" ]; then
  echo "error: no python found; set PYTHON=/path/to/python" >&2
  exit 1
fi
check='${CHECK_PY}'
req=$("$py" -c "$check" "$here") || exit 1
echo "all files verified; installing $req with $py" >&2
exec "$py" -m pip install --no-index --find-links "$here/wheels" --require-hashes -r "$here/$req" "$@"
`;
}

/** install.ps1: PowerShell 5+; `$env:PYTHON` picks the interpreter; extra arguments go to pip. */
export function installPs1(): string {
  return `# Install this bundle's packages offline: check every file against manifest.json, pick the
# requirements file of this interpreter, then run pip with --no-index and --require-hashes.
# Usage: powershell -ExecutionPolicy Bypass -File install.ps1 [pip options]
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$py = $env:PYTHON
if (-not $py) {
  foreach ($candidate in @("python", "python3")) {
    if (Get-Command $candidate -ErrorAction SilentlyContinue) { $py = $candidate; break }
  }
}
if (-not $py) { Write-Error "no python found; set the PYTHON environment variable to its path"; exit 1 }
# The checker goes through a file: Windows PowerShell mangles quotes in arguments to programs.
$check = Join-Path ([System.IO.Path]::GetTempPath()) ("wheelhouse-check-" + [guid]::NewGuid() + ".py")
Set-Content -Path $check -Encoding ASCII -Value @'
${CHECK_PY}'@
try {
  $req = (& $py $check $here | Out-String).Trim()
  $code = $LASTEXITCODE
} finally {
  Remove-Item -Force $check -ErrorAction SilentlyContinue
}
if ($code -ne 0) { exit 1 }
Write-Host "all files verified; installing $req with $py"
& $py -m pip install --no-index --find-links (Join-Path $here "wheels") --require-hashes -r (Join-Path $here $req) @args
exit $LASTEXITCODE
`;
}
