# Builds the bzip2 fixtures of tests/store/inspect.test.ts, byte-reproducible (python3 3.11).
# Run: cd tests/store/golden && python3 make-bzip2.py
# - multi_pkg-1.0.tar.bz2: one tar cut in two, each half its own bzip2 stream (as pbzip2 writes);
#   python3 -c 'import tarfile; print(tarfile.open("multi_pkg-1.0.tar.bz2").getnames())' lists all.
# - tail_pkg-1.0.tar.bz2: one stream followed by bytes that are not bzip2 (Python ignores them).
# - zeros.bz2: 16 MiB of zeros in 0.1 KB (a decompression bomb for the output limit).
import bz2, io, tarfile

def tar(top):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in [
            (f"{top}/setup.py", b"from setuptools import setup\nsetup()\n" * 2000),
            (f"{top}/PKG-INFO", f"Metadata-Version: 2.1\nName: {top[:-4]}\nVersion: 1.0\nSummary: last of two streams\n".encode()),
            (f"{top}/pyproject.toml", b'[build-system]\nrequires = ["flit_core>=3.2"]\n'),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1577836800
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

raw = tar("multi_pkg-1.0")
half = len(raw) // 2
with open("multi_pkg-1.0.tar.bz2", "wb") as f:
    f.write(bz2.compress(raw[:half]) + bz2.compress(raw[half:]))
with open("tail_pkg-1.0.tar.bz2", "wb") as f:
    f.write(bz2.compress(tar("tail_pkg-1.0")) + b"\0" * 64 + b"not bzip2")
with open("zeros.bz2", "wb") as f:
    f.write(bz2.compress(b"\0" * (16 * 1024 * 1024)))
for name in ["multi_pkg-1.0.tar.bz2", "tail_pkg-1.0.tar.bz2"]:
    with tarfile.open(name) as t:
        print(name, t.getnames(), t.extractfile(t.getnames()[1]).read().splitlines()[1])
