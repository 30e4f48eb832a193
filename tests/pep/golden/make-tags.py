"""Golden tag lists for tests/pep/target.test.ts, generated with pypa/packaging.

Run (needs packaging >= 26.3, the release that spells the 3-way fat macOS format "fat3"):
    python3 -m pip install 'packaging==26.3'
    python3 tests/pep/golden/make-tags.py > tests/pep/golden/tags.json

For each target spec it prints what packaging.tags.sys_tags() yields on such a machine:
CPython: cpython_tags(python_version, abis, platforms) + compatible_tags(python_version,
"cpXY", platforms); PyPy: generic_tags("ppXY", [abi], platforms) + compatible_tags(
python_version, "pp3", platforms). The platforms list is built by packaging's own functions with
the machine's libc version patched in (_manylinux / _musllinux), mac_platforms(version, arch),
or the single sysconfig platform (Windows, plain linux). Linux lists put linux_ARCH after the
manylinux/musllinux tags, the order of packaging < 26.3 and of pip's vendored copy.
"""

import json
import sys

import packaging
from packaging import _manylinux, _musllinux, tags

assert tuple(map(int, packaging.__version__.split(".")[:2])) >= (26, 3), packaging.__version__

TARGETS = [
    # spec, implementation, (major, minor), abi, platform kind, platform arguments
    ("cp39-manylinux_2_17_x86_64", "cp", (3, 9), "cp39", "manylinux", ((2, 17), "x86_64")),
    ("cp310-manylinux_2_28_aarch64", "cp", (3, 10), "cp310", "manylinux", ((2, 28), "aarch64")),
    ("cp311-manylinux_2_28_x86_64", "cp", (3, 11), "cp311", "manylinux", ((2, 28), "x86_64")),
    ("cp311-manylinux2014_x86_64", "cp", (3, 11), "cp311", "manylinux", ((2, 17), "x86_64")),
    ("cp311-manylinux_2_17_i686", "cp", (3, 11), "cp311", "manylinux", ((2, 17), "i686")),
    ("cp312-musllinux_1_2_x86_64", "cp", (3, 12), "cp312", "musllinux", ((1, 2), "x86_64")),
    ("cp313-musllinux_1_1_aarch64", "cp", (3, 13), "cp313", "musllinux", ((1, 1), "aarch64")),
    ("cp313-macosx_14_0_arm64", "cp", (3, 13), "cp313", "macos", ((14, 0), "arm64")),
    ("cp312-macosx_10_9_x86_64", "cp", (3, 12), "cp312", "macos", ((10, 9), "x86_64")),
    ("cp311-macosx_13_0_x86_64", "cp", (3, 11), "cp311", "macos", ((13, 0), "x86_64")),
    ("cp314-win_amd64", "cp", (3, 14), "cp314", "generic", "win_amd64"),
    ("cp312-win32", "cp", (3, 12), "cp312", "generic", "win32"),
    ("cp313-win_arm64", "cp", (3, 13), "cp313", "generic", "win_arm64"),
    ("cp312-linux_x86_64", "cp", (3, 12), "cp312", "generic", "linux_x86_64"),
    ("cp313t-manylinux_2_28_x86_64", "cp", (3, 13), "cp313t", "manylinux", ((2, 28), "x86_64")),
    ("cp314-cp314d-linux_x86_64", "cp", (3, 14), "cp314d", "generic", "linux_x86_64"),
    ("pp310-manylinux_2_17_x86_64", "pp", (3, 10), "pypy310_pp73", "manylinux", ((2, 17), "x86_64")),
    ("pp310-macosx_11_0_arm64", "pp", (3, 10), "pypy310_pp73", "macos", ((11, 0), "arm64")),
    ("cp312-manylinux_2_31_armv8l", "cp", (3, 12), "cp312", "manylinux", ((2, 31), "armv8l")),
    ("cp311-manylinux_2_39_ppc64le", "cp", (3, 11), "cp311", "manylinux", ((2, 39), "ppc64le")),
    ("cp37-manylinux1_x86_64", "cp", (3, 7), "cp37m", "manylinux", ((2, 5), "x86_64")),
    ("cp315-macosx_12_3_universal2", "cp", (3, 15), "cp315", "macos", ((12, 3), "universal2")),
    ("pp310-win_amd64", "pp", (3, 10), "pypy310_pp73", "generic", "win_amd64"),
]


def linux_archs(arch):
    return {"armv8l": ["armv8l", "armv7l"]}.get(arch, [arch])


def platforms(kind, args):
    if kind == "manylinux":
        (major, minor), arch = args
        _manylinux._get_glibc_version = lambda: _manylinux._GLibCVersion(major, minor)
        _manylinux._have_compatible_abi = lambda executable, archs: True
        archs = linux_archs(arch)
        return list(_manylinux.platform_tags(archs)) + [f"linux_{a}" for a in archs]
    if kind == "musllinux":
        (major, minor), arch = args
        _musllinux._get_musl_version = lambda executable: _musllinux._MuslVersion(major, minor)
        archs = linux_archs(arch)
        return list(_musllinux.platform_tags(archs)) + [f"linux_{a}" for a in archs]
    if kind == "macos":
        version, arch = args
        return list(tags.mac_platforms(version, arch))
    return [args]


def target_tags(impl, version, abi, kind, args):
    plats = platforms(kind, args)
    nodot = "".join(map(str, version))
    if impl == "cp":
        abis = [abi]
        if abi.endswith("d"):  # a debug build also loads normal extension modules
            abis.append(abi[:-1])
        head = tags.cpython_tags(python_version=version, abis=abis, platforms=plats)
        tail = tags.compatible_tags(python_version=version, interpreter=f"cp{nodot}", platforms=plats)
    else:
        head = tags.generic_tags(interpreter=f"pp{nodot}", abis=[abi], platforms=plats)
        tail = tags.compatible_tags(python_version=version, interpreter="pp3", platforms=plats)
    return [str(t) for t in head] + [str(t) for t in tail]


golden = {
    "generator": "tests/pep/golden/make-tags.py",
    "packaging": packaging.__version__,
    "targets": {spec: target_tags(*rest) for spec, *rest in TARGETS},
}
json.dump(golden, sys.stdout, indent=1)
sys.stdout.write("\n")
