# The oracle behind tests/mirror/resolve/pip-parity.test.ts: builds a PEP 503 index on 127.0.0.1
# from one scenario (a TableProvider table as JSON) and asks pip what it would install.
# Usage: python3 tests/mirror/resolve/golden/pip-oracle.py SCENARIO.json
# SCENARIO.json: {"table": {project: {version: ReleaseSpec}}, "requirements": [...],
#                 "constraints": [...], "pipArgs": [...]}   (ReleaseSpec as in table-provider.ts;
#                 files given as filenames; sdists get only a PKG-INFO, so keep them out)
# Prints {"ok": {name: version}, "files": {name: filename}} or pip's error output.
# Run with pip 23.2.1 on CPython 3.11 for Linux x86_64 (the tests' target); pip's configuration
# is ignored.
import functools, hashlib, html, http.server, json, os, re, subprocess, sys, tempfile
import threading, zipfile


def stem(n):
    return re.sub(r"[-_.]+", "_", n).lower()


def canon(n):
    return re.sub(r"[-_.]+", "-", n).lower()


def metadata(name, version, spec):
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if spec.get("requiresPython"):
        lines.append(f"Requires-Python: {spec['requiresPython']}")
    lines += [f"Provides-Extra: {e}" for e in spec.get("extras", [])]
    lines += [f"Requires-Dist: {r}" for r in spec.get("requires", [])]
    return "\n".join(lines) + "\n"


def build(table, root):
    os.makedirs(os.path.join(root, "files"))
    for name, versions in table.items():
        links = []
        for version, spec in versions.items():
            md = metadata(name, version, spec)
            for f in spec.get("files", ["whl"]):
                f = f["filename"] if isinstance(f, dict) else f
                if f == "whl":
                    f = f"{stem(name)}-{version}-py3-none-any.whl"
                path = os.path.join(root, "files", f)
                di = "-".join(f[:-4].split("-")[:2]) + ".dist-info"
                with zipfile.ZipFile(path, "w") as z:
                    z.writestr(f"{di}/METADATA", md)
                    z.writestr(f"{di}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
                    z.writestr(f"{di}/RECORD", "")
                with open(path + ".metadata", "w") as m:
                    m.write(md)
                sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
                msha = hashlib.sha256(md.encode()).hexdigest()
                attrs = f' data-dist-info-metadata="sha256={msha}"'
                if spec.get("indexRequiresPython"):
                    attrs += f' data-requires-python="{html.escape(spec["indexRequiresPython"])}"'
                if spec.get("yanked", False) is not False:
                    attrs += f' data-yanked="{html.escape(spec["yanked"])}"'
                links.append(f'<a href="../../files/{f}#sha256={sha}"{attrs}>{f}</a>')
        page = os.path.join(root, "simple", canon(name))
        os.makedirs(page)
        with open(os.path.join(page, "index.html"), "w") as out:
            out.write("<html><body>\n" + "\n".join(links) + "\n</body></html>\n")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    scenario = json.load(open(sys.argv[1]))
    root = tempfile.mkdtemp()
    build(scenario["table"], root)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=root)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1")
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
           "--report", "-",
           "--index-url", f"http://127.0.0.1:{server.server_address[1]}/simple/"]
    cmd += scenario.get("pipArgs", [])
    if scenario.get("constraints"):
        path = os.path.join(root, "constraints.txt")
        open(path, "w").write("\n".join(scenario["constraints"]) + "\n")
        cmd += ["-c", path]
    run = subprocess.run(cmd + scenario["requirements"], capture_output=True, text=True, env=env)
    if run.returncode == 0:
        start = run.stdout.index("\n{") + 1
        got = json.JSONDecoder().raw_decode(run.stdout[start:])[0]["install"]
        print(json.dumps({
            "ok": {canon(i["metadata"]["name"]): i["metadata"]["version"] for i in got},
            "files": {canon(i["metadata"]["name"]): i["download_info"]["url"].rsplit("/", 1)[1]
                      for i in got},
        }, sort_keys=True))
    else:
        # Without -q, pip prints "The conflict is caused by:" and its causes to stdout.
        print(run.stdout.strip())
        print(run.stderr.strip())
    server.shutdown()


main()
