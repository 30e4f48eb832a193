"""Golden data for tests/pep/specifier.test.ts, computed with pypa/packaging 26.3.

For the packaging test tables whose expected values are computed in the test body (range
equivalence, satisfiability, cache consistency, ...), record what packaging answers for their
specifiers over a fixed probe list of versions.

Regenerate (packaging 26.3 must be importable):
    python3 -m venv /tmp/pk263 && /tmp/pk263/bin/pip install packaging==26.3
    /tmp/pk263/bin/python tests/pep/golden/specifiers.py > tests/pep/golden/specifiers.json
"""

import json
import pathlib

import packaging
from packaging.specifiers import SpecifierSet
from packaging.version import Version

assert packaging.__version__ == "26.3", packaging.__version__

VECTORS = pathlib.Path(__file__).resolve().parents[4] / "shared/corpus/packaging-vectors"


def table(name):
    return json.loads((VECTORS / name).read_text())


EXTRA = [
    "0", "0.dev0", "0.9", "1", "1.0", "1.0.0", "1.0+local", "1.0.dev0", "1.0a1", "1.0rc1",
    "1.0.post1", "1.0.post1.dev1", "1.0.post1+local", "1.01", "1.1", "1.1.dev1", "1.1a1",
    "1.5", "2", "2.0", "2.0a1", "2.0.post1", "2.0+local", "3.0.dev0", "3.0", "3.12", "3.13",
    "1!1.0", "1!2.0a1", "foobar", "FooBar", "1.0.0+local",
]
PROBES = list(dict.fromkeys(json.loads((VECTORS / "VERSIONS_sorted.json").read_text()) + EXTRA))

TABLES = {
    # file: (spec fields, configured prerelease values to try)
    "test_specifiers__TestSpecifierSetToRangeEquivalence.test_contains_equivalent.json": ("spec_str", True),
    "test_specifiers__TestSpecifierSetToRangeEquivalence.test_filter_equivalent.json": ("spec_str", True),
    "test_specifiers__TestSpecifierSetToRangeEquivalence.test_contains_equivalent_with_version_objects.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_satisfiable.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_satisfiable_prereleases_false.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_unsatisfiable.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_unsatisfiable_prereleases_false.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_post_release_boundary_unsatisfiable.json": ("spec_str", False),
    "test_specifiers__TestIsUnsatisfiable.test_contains_identical_across_canonicalization.json": ("spec", False),
    "test_specifiers__TestSpecifierInternal.test_spec_version_cache_compatible_operator.json": ("specifier", False),
    "test_specifiers__TestSpecifierInternal.test_spec_version_cache_consistency.json": ("specifier", False),
    "test_specifiers__TestSpecifierInternal.test_spec_version_cache_with_arbitrary_equality.json": ("specifier", False),
    "test_specifiers__TestSpecifierInternal.test_spec_version_cache_with_wildcards.json": ("specifier", False),
    "test_specifiers__TestSpecifierSet.test_arbitrary_equality_is_intersection_preserving.json": ("spec1", False),
}

specs = {}
for name, (field, configured) in TABLES.items():
    for row in table(name):
        if name.endswith("intersection_preserving.json"):
            keys = [row["spec1"], row["spec2"], row["spec1"] + "," + row["spec2"]]
        else:
            keys = [row[field]]
        configs = [row.get("configured")] if configured else [None]
        for key in keys:
            for c in configs + [None, False, True]:
                specs[json.dumps([key, c])] = (key, c)


def bits(values):
    return "".join("1" if v else "0" for v in values)


def valid(text):
    try:
        return Version(text)
    except ValueError:
        return None


PARSED = [valid(p) for p in PROBES]

cases = []
for key, configured in specs.values():
    s = SpecifierSet(key, prereleases=configured)
    cases.append({
        "spec": key,
        "prereleases": configured,
        # contains() of each probe string; of each probe as a Version object ("-": not a version);
        # filter() of the whole probe list with prereleases=None/False/True, as probe indexes.
        "contains": bits(s.contains(p) for p in PROBES),
        "containsVersion": "".join("-" if v is None else "1" if s.contains(v) else "0" for v in PARSED),
        "filter": [PROBES.index(x) for x in s.filter(PROBES)],
        "filterFalse": [PROBES.index(x) for x in s.filter(PROBES, prereleases=False)],
        "filterTrue": [PROBES.index(x) for x in s.filter(PROBES, prereleases=True)],
    })

print(json.dumps({"packaging": packaging.__version__, "probes": PROBES, "cases": cases}, separators=(",", ":")))
