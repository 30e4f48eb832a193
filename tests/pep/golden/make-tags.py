"""Golden tag lists for tests/pep/target.test.ts, generated with pypa/packaging.

Run (packaging >= 26.2; python3 here has 26.2):
    python3 tests/pep/golden/make-tags.py

It writes, beside itself:
- tags.json: for each target spec in TARGETS, the full list packaging.tags.sys_tags() yields on
  such a machine;
- tags-grid.json: for every spec of a grid (Python versions x platforms x ABIs, about 4,000
  targets), "<number of tags> <first 16 hex digits of sha256 of the tags joined by newlines>".

How a target's list is made: CPython: cpython_tags(python_version, abis, platforms) +
compatible_tags(python_version, "cpXY", platforms), a debug ABI (cp312d) from 3.8 on with the
non-debug one after it (_cpython_abis); PyPy: generic_tags("ppXY", [abi], platforms) +
compatible_tags(python_version, "pp3", platforms). The platforms list is built by packaging's
own functions with the machine's libc version patched in (_manylinux / _musllinux),
mac_platforms(version, arch), or the single sysconfig platform (Windows, plain linux). Linux
lists put linux_ARCH after the manylinux/musllinux tags, the order of _linux_platforms in
packaging 26.2 and of pip's vendored copy. A macOS version that arch never ran (10.3 on x86_64)
gives an empty platform list, which cpython_tags would replace by this machine's platforms: such
a target is left out of the grid (wheelhouse gives it only the "any" tags).
Before 26.3 packaging spelt the 3-way fat macOS format "fat32"; CPython's _osx_support and
packaging >= 26.3 (pypa/packaging#1199) say "fat3", so older releases' answer is renamed.
"""

import hashlib
import json
import os
import re

import packaging
from packaging import _manylinux, _musllinux, tags

PACKAGING = tuple(map(int, packaging.__version__.split(".")[:2]))
assert PACKAGING >= (26, 2), packaging.__version__
HERE = os.path.dirname(os.path.abspath(__file__))

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
    ("cp313-cp313td-linux_x86_64", "cp", (3, 13), "cp313td", "generic", "linux_x86_64"),
    ("cp314t-macosx_15_0_arm64", "cp", (3, 14), "cp314t", "macos", ((15, 0), "arm64")),
    ("cp314t-win_arm64", "cp", (3, 14), "cp314t", "generic", "win_arm64"),
    ("cp312-musllinux_1_0_x86_64", "cp", (3, 12), "cp312", "musllinux", ((1, 0), "x86_64")),
    ("cp311-manylinux_2_17_armv7l", "cp", (3, 11), "cp311", "manylinux", ((2, 17), "armv7l")),
    ("cp312-manylinux_2_28_s390x", "cp", (3, 12), "cp312", "manylinux", ((2, 28), "s390x")),
    ("cp311-manylinux_2_5_i686", "cp", (3, 11), "cp311", "manylinux", ((2, 5), "i686")),
    ("cp310-macosx_10_16_x86_64", "cp", (3, 10), "cp310", "macos", ((10, 16), "x86_64")),
    ("pp311-macosx_10_15_x86_64", "pp", (3, 11), "pypy311_pp73", "macos", ((10, 15), "x86_64")),
    ("cp38-macosx_10_5_i386", "cp", (3, 8), "cp38", "macos", ((10, 5), "i386")),
    ("cp312-macosx_11_0_intel", "cp", (3, 12), "cp312", "macos", ((11, 0), "intel")),
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
        plats = list(tags.mac_platforms(version, arch))
        return [p.replace("_fat32", "_fat3") for p in plats] if PACKAGING < (26, 3) else plats
    if args.startswith("linux_"):  # _linux_platforms on a Linux with neither glibc nor musl
        return [f"linux_{a}" for a in linux_archs(args[len("linux_") :])]
    return [args]


def target_tags(impl, version, abi, kind, args):
    plats = platforms(kind, args)
    nodot = "".join(map(str, version))
    if impl == "cp":
        abis = [abi]
        if abi.endswith("d") and version >= (3, 8):  # debug builds also load normal modules
            abis.append(abi[:-1])
        head = tags.cpython_tags(python_version=version, abis=abis, platforms=plats)
        tail = tags.compatible_tags(python_version=version, interpreter=f"cp{nodot}", platforms=plats)
    else:
        head = tags.generic_tags(interpreter=f"pp{nodot}", abis=[abi], platforms=plats)
        tail = tags.compatible_tags(python_version=version, interpreter="pp3", platforms=plats)
    return [str(t) for t in head] + [str(t) for t in tail]


LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def parse_spec(spec):
    """A target spec read independently of wheelhouse's parser: impl, version, abi, kind, args."""
    parts = spec.split("-")
    impl, major, minor, threaded = re.fullmatch(r"(cp|pp)(\d)(\d+)(t?)", parts[0]).groups()
    version = (int(major), int(minor))
    nodot = major + minor
    if len(parts) == 3:
        abi = parts[1]
    elif impl == "pp":
        abi = f"pypy{nodot}_pp73"
    else:
        abi = f"cp{nodot}{'t' if threaded else ''}{'m' if version < (3, 8) else ''}"
    plat = parts[-1]
    if m := re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", plat):
        return impl, version, abi, "manylinux", ((int(m[1]), int(m[2])), m[3])
    if m := re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", plat):
        return impl, version, abi, "manylinux", (LEGACY[m[1]], m[2])
    if m := re.fullmatch(r"musllinux_(\d+)_(\d+)_(\w+)", plat):
        return impl, version, abi, "musllinux", ((int(m[1]), int(m[2])), m[3])
    if m := re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", plat):
        return impl, version, abi, "macos", ((int(m[1]), int(m[2])), m[3])
    return impl, version, abi, "generic", plat


def grid():
    interpreters = ["cp37", "cp38", "cp39", "cp310", "cp311", "cp312", "cp313", "cp314"]
    interpreters += ["cp315", "cp313t", "cp314t", "pp39", "pp310", "pp311"]
    plats = []
    for arch in ["x86_64", "i686", "aarch64", "armv7l", "armv8l", "ppc64le", "s390x", "riscv64"]:
        plats += [f"manylinux_2_{minor}_{arch}" for minor in (5, 12, 16, 17, 24, 28, 31, 39)]
        plats += [f"manylinux_3_2_{arch}"]
        plats += [f"{name}_{arch}" for name in LEGACY]
        plats += [f"musllinux_1_{minor}_{arch}" for minor in (0, 1, 2, 3)]
        plats += [f"musllinux_2_0_{arch}", f"linux_{arch}"]
    macs = ["10_0", "10_3", "10_4", "10_5", "10_6", "10_9", "10_15", "10_16", "11_0", "11_3"]
    macs += ["12_0", "13_5", "14_0", "15_2", "26_0"]
    for arch in ["x86_64", "arm64", "universal2", "intel", "i386", "ppc", "ppc64", "universal"]:
        plats += [f"macosx_{v}_{arch}" for v in macs]
    plats += ["win32", "win_amd64", "win_arm64", "any"]
    specs = [f"{i}-{p}" for i in interpreters for p in plats]
    for p in ["linux_x86_64", "win_amd64", "manylinux_2_28_x86_64", "macosx_14_0_arm64"]:
        for head in ["cp312-cp312d", "cp313-cp313td", "cp37-cp37dm", "cp37-cp37", "cp311-abi3"]:
            specs.append(f"{head}-{p}")
        specs += [f"cp311-none-{p}", f"pp310-pypy310_pp74-{p}"]
    out = {}
    for spec in specs:
        impl, version, abi, kind, args = parse_spec(spec)
        if kind == "macos" and not platforms(kind, args):
            continue
        listed = target_tags(impl, version, abi, kind, args)
        digest = hashlib.sha256("\n".join(listed).encode()).hexdigest()[:16]
        out[spec] = f"{len(listed)} {digest}"
    return out


golden = {
    "generator": "tests/pep/golden/make-tags.py",
    "packaging": packaging.__version__,
    "targets": {spec: target_tags(*rest) for spec, *rest in TARGETS},
}
with open(os.path.join(HERE, "tags.json"), "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
with open(os.path.join(HERE, "tags-grid.json"), "w") as f:
    json.dump({"generator": golden["generator"], "packaging": golden["packaging"], "targets": grid()}, f, indent=0)
    f.write("\n")
