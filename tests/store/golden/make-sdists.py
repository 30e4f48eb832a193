# Builds the legacy sdist fixtures of tests/store (a .tar.bz2 and a .zip), byte-reproducible.
# Run: cd tests/store/golden && python3 make-sdists.py
import io, tarfile, zipfile

PKG_INFO = b"Metadata-Version: 1.1\nName: Legacy.Pkg\nVersion: 1.0\nSummary: a legacy sdist\n"
PYPROJECT = b'[build-system]\nrequires = ["setuptools>=40", "wheel"]\nbuild-backend = "setuptools.build_meta"\n'

def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1577836800
    tar.addfile(info, io.BytesIO(data))

with tarfile.open("legacy_pkg-1.0.tar.bz2", "w:bz2") as tar:
    add(tar, "legacy_pkg-1.0/setup.py", b"from setuptools import setup\nsetup()\n")
    add(tar, "legacy_pkg-1.0/legacy_pkg.egg-info/PKG-INFO", b"Metadata-Version: 1.1\nName: wrong\nVersion: 9\n")
    add(tar, "legacy_pkg-1.0/PKG-INFO", PKG_INFO)
    add(tar, "legacy_pkg-1.0/pyproject.toml", PYPROJECT)

with zipfile.ZipFile("legacy_pkg-1.0.zip", "w") as z:
    for name, data in [("legacy_pkg-1.0/PKG-INFO", PKG_INFO), ("legacy_pkg-1.0/setup.py", b"")]:
        z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
