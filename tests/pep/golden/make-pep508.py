"""Golden answers for tests/pep/marker.test.ts and requirement.test.ts, from pypa/packaging 26.3.

Run (needs packaging 26.3 exactly: 26.2 writes quotes and nested groups differently):
    python3 -m venv /tmp/pk && /tmp/pk/bin/pip install 'packaging==26.3'
    /tmp/pk/bin/python tests/pep/golden/make-pep508.py > tests/pep/golden/pep508.json

It reads the marker strings of packaging's own test tables from the shared corpus
(../shared/corpus/packaging-vectors) plus the extra cases below, and records:
- markers: str(Marker(s)) and the outcome of Marker(s).evaluate(env) for each environment in
  ENVIRONMENTS ("metadata" context), an outcome being true, false or the error class name;
- evaluations: outcomes of the corpus tables whose environment is given in the test body
  (test_evaluates, test_evaluate_pep345_markers: env None -> ENVIRONMENTS[0]) and of EVALUATIONS;
- requirements: name, sorted extras, str(specifier), url, str(marker) and str(Requirement(s)),
  or the error message and its source-and-caret picture, for REQUIREMENTS and the requirement tables that have strings.
"""

import json
import pathlib
import sys

import packaging
from packaging.markers import Marker
from packaging.requirements import Requirement

assert packaging.__version__ == "26.3", packaging.__version__

HERE = pathlib.Path(__file__).resolve()
VECTORS = HERE.parents[4] / "shared" / "corpus" / "packaging-vectors"

# ENVIRONMENTS[0] is a CPython 3.11.7 on Linux x86_64; the second sets every variable to "1.0"
# so version-like and string comparisons both get exercised on the same values.
LINUX = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.7",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_release": "6.8.0-45-generic",
    "platform_system": "Linux",
    "platform_version": "#45-Ubuntu SMP PREEMPT_DYNAMIC",
    "python_full_version": "3.11.7",
    "platform_python_implementation": "CPython",
    "python_version": "3.11",
    "sys_platform": "linux",
}
ONES = {key: "1.0" for key in LINUX}
ENVIRONMENTS = [LINUX, ONES]

EXTRA_MARKERS = [
    '((os_name == "a" or os_name == "b")) and os_name == "c"',
    'os_name == "a" and ((os_name == "b" or os_name=="c"))',
    "(os_name == 'a' and os_name == 'b') and (os_name == 'c')",
    "os_name == extra",
    "'Foo_Bar' == extra",
    "extra == 'A..B' or 'X_Y' in extras or 'G.H' not in dependency_groups",
    '"a\\tb" == os_name',
    '"a\\\\d" == os_name',
    "os_name == \"\\101\\x41\\u0041\\U00000041\"",
    "os_name == 'it\"s'",
    "os_name == \"it's\"",
    "platform.machine=='x86_64'and python_version>='3'or os_name<'x'",
    "python_version>'3.6'",
]

EVALUATIONS = [
    # (marker, environment overrides, extras option list or None)
    ('"2.7.9" < python_full_version', {"python_full_version": "2.7.10"}),
    ('"2.7.9" < python_full_version', {"python_full_version": "2.7.8"}),
    ('"b" < python_full_version', {"python_full_version": "c"}),
    ('"b" > "a"', {"a": "a"}),
    ('"a" <= "a"', {"a": "a"}),
    ("'2.7.0' ~= os_name", {}),
    ("os_name === 'posix'", {}),
    ("python_version === '3.11'", {}),
    ("python_version ~= '3'", {}),
    ("python_version ~= '3.10'", {}),
    ('python_full_version > "3.6.2"', {"python_full_version": "3.11.0a5"}),
    ("python_full_version < '3.12'", {"python_full_version": "3.11.1+"}),
    ("python_version == '3.*'", {}),
    ("python_version != '3.11.*'", {}),
    ("python_version >= ' 3.6 '", {}),
    ("python_version >= '3.6,<4'", {}),
    ("python_version == 'foo'", {"python_version": "foo"}),
    ("platform_release >= '5.4'", {}),
    ("platform_release >= '5.4'", {"platform_release": "5.15.0"}),
    ("'6.8' in platform_release", {}),
    ("implementation_version >= '3.11.0rc1'", {}),
    ("sys_platform < 'z'", {}),
    ("sys_platform >= 'linux'", {}),
    ("sys_platform != 'win32' and os_name == 'posix'", {}),
    ("extra == 'Foo_Bar'", {"extra": "foo.bar"}),
    ("extra == 'v2'", {"extra": "V2"}),
    ("extra == os_name", {"extra": "posix"}),
    ("os_name == 'nt' and extra == 'x'", {}),
    ("os_name == 'posix' or platform_tag == 'x'", {}),
]

REQUIREMENTS = [
    "foo_",
    "name>=1.0,",
    'name>=1.0, ;os_name=="a"',
    "Name[B,a,a]>=2,<3,>=2",
    "name===FOO",
    "name (== 1.0 , >2)",
    "name==1.0+abc",
    "name[ ]",
    "name ()",
    'n @ u ;extra=="A_b"',
    "n[a]@u",
    "name (>= 1.0",
    "name==1.2.3.post4.*",
    "name>=1.0.*",
    "name>=1.0+local",
    'name @ https://example.com/; extra == "example"',
    "name[bar baz]",
    "name[bar, baz,]",
    "name[bar, baz >= 1.0",
    "name; (extra == 'example'",
    "name @ ",
    "name; invalid_name",
    "name; '3.7' notin python_version",
    "name; '3.6'inpython_version",
    "name; '3.7' not python_version",
    "name==1.0.org1",
    "name==",
    "name 1.0",
    "name >= 1.0 #",
    "name >= 1.0 <= 2.0",
    "",
    "==0.0",
    "foo!",
    "foo-",
    " \tname\t[ x , y ]\t( >=1 ,<2 )\t;\tos_name=='a'\t",
    "name@file:///a b",
    "name @ git+https://g.example/p.git@v1.0#egg=p ; python_version < '3.10' and extra == 'X'",
    "requests[security,tests]>=2.8.1,==2.8.*;python_version<\"2.7\"",
    "name~=1.4.5a4",
    "name<=1!3.0.0.rc2",
    "name===  arbitrary",
    "name ===arbitrary ; os_name=='a'",
]


def outcome(marker, env, context="metadata"):
    try:
        return Marker(marker).evaluate(env, context)
    except Exception as exc:  # noqa: BLE001 - the class name is the answer
        return type(exc).__name__


def table(name):
    return json.loads((VECTORS / f"{name}.json").read_text())


def marker_strings():
    seen = []
    for name in [
        "test_markers__TestMarker.test_parses_valid",
        "test_markers__TestMarker.test_parses_pep345_valid",
        "test_markers__TestMarker.test_parses_setuptools_legacy_valid",
    ]:
        seen += [row["marker_string"] for row in table(name)]
    seen += [row["marker_string"] for row in table("test_markers__TestMarker.test_str_repr_eq_hash")]
    seen += [row["marker_str"] for row in table("test_markers__test_pickle_marker_roundtrip")]
    for row in table("test_markers__TestMarker.test_different_markers_different_hashes"):
        seen += [row["example1"], row["example2"]]
    return list(dict.fromkeys(seen + EXTRA_MARKERS))


def describe_requirement(text):
    try:
        req = Requirement(text)
    except Exception as exc:  # noqa: BLE001
        lines = str(exc).split("\n")
        return {"input": text, "error": lines[0], "picture": "\n".join(x[4:] for x in lines[1:])}
    return {
        "input": text,
        "name": req.name,
        "extras": sorted(req.extras),
        "specifier": str(req.specifier),
        "url": req.url,
        "marker": None if req.marker is None else str(req.marker),
        "str": str(req),
    }


def requirement_strings():
    texts = list(REQUIREMENTS)
    for row in table("test_requirements__TestRequirementBehaviour.test_str_and_repr"):
        texts.append(f"name{row['extras']}{row['url_or_specifier']}{row['marker']}")
    for name in [
        "test_requirements__TestRequirementBehaviour.test_equal_reqs_equal_hashes",
        "test_requirements__TestRequirementBehaviour.test_different_reqs_different_hashes",
        "test_requirements__TestRequirementBehaviour.test_equivalent_reqs_equal_hashes_unequal_strings",
    ]:
        for row in table(name):
            texts += [row["dep1"], row["dep2"]]
    texts += [row["req_str"] for row in table("test_requirements__test_pickle_requirement_roundtrip")]
    texts += [row["to_parse"] for row in table(
        "test_requirements__TestRequirementParsing.test_error_invalid_marker_malformed_quoted_string")]
    return list(dict.fromkeys(texts))


def main():
    markers = []
    for text in marker_strings():
        markers.append({
            "input": text,
            "str": str(Marker(text)),
            "outcomes": [outcome(text, env) for env in ENVIRONMENTS],
        })
    evaluations = []
    for name in ["test_markers__TestMarker.test_evaluates",
                 "test_markers__TestMarker.test_evaluate_pep345_markers"]:
        for row in table(name):
            env = dict(LINUX, **(row["environment"] or {}))
            evaluations.append({"marker": row["marker_string"], "env": env,
                                "outcome": outcome(row["marker_string"], env)})
    for text, overrides in EVALUATIONS:
        env = dict(LINUX, **overrides)
        evaluations.append({"marker": text, "env": env, "outcome": outcome(text, env)})
    json.dump({
        "packaging": packaging.__version__,
        "environments": ENVIRONMENTS,
        "markers": markers,
        "evaluations": evaluations,
        "requirements": [describe_requirement(t) for t in requirement_strings()],
    }, sys.stdout, indent=0, ensure_ascii=False)
    sys.stdout.write("\n")


main()
