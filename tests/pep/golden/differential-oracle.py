"""Oracle for tests/pep/differential.test.ts: answers PEP 440 / PEP 508 questions with pypa/packaging.

Reads one JSON question per line on stdin and writes one JSON answer per line on stdout, after a
header line {"packaging": "<version>"}. Nothing is stored: the test runs it live, e.g.
    printf '%s\n' '{"op":"version","text":"1.0-R2"}' | python3 tests/pep/golden/differential-oracle.py

Questions (an answer with "error" names packaging's exception class instead):
    {"op":"version","text":T}            -> str, public, base, epoch, release, pre, post, dev, local, isPre
    {"op":"compare","a":A,"b":B}         -> cmp (-1, 0, 1), or error when either is invalid
    {"op":"specifier","spec":S}          -> str(SpecifierSet(S)), prereleases
    {"op":"contains","spec":S,"version":V,"prereleases":null|true|false}
                                         -> result of SpecifierSet(S).contains(V, prereleases=...)
    {"op":"filter","spec":S,"versions":[...],"prereleases":null|true|false}
                                         -> result: list(SpecifierSet(S).filter(versions, prereleases=...))
    {"op":"marker","text":M,"env":{...}} -> str(Marker(M)); outcome of evaluate(env) (true, false or
                                            the exception class); env must name every variable,
                                            else the running interpreter's values leak in
    {"op":"requirement","text":R}        -> name, extras (sorted), specifier, url, marker, str
"""

import json
import sys

import packaging
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version


def version(q):
    v = Version(q["text"])
    return {
        "str": str(v),
        "public": v.public,
        "base": v.base_version,
        "epoch": v.epoch,
        "release": list(v.release),
        "pre": list(v.pre) if v.pre is not None else None,
        "post": v.post,
        "dev": v.dev,
        "local": v.local,
        "isPre": v.is_prerelease,
    }


def compare(q):
    a, b = Version(q["a"]), Version(q["b"])
    return {"cmp": (a > b) - (a < b)}


def specifier(q):
    s = SpecifierSet(q["spec"])
    return {"str": str(s), "prereleases": s.prereleases}


def contains(q):
    s = SpecifierSet(q["spec"])
    return {"result": s.contains(q["version"], prereleases=q.get("prereleases"))}


def filter_(q):
    s = SpecifierSet(q["spec"])
    return {"result": list(s.filter(q["versions"], prereleases=q.get("prereleases")))}


def marker(q):
    m = Marker(q["text"])
    answer = {"str": str(m)}
    try:
        answer["outcome"] = m.evaluate(q["env"])
    except Exception as error:  # the class name is the answer
        answer["outcome"] = type(error).__name__
    return answer


def requirement(q):
    r = Requirement(q["text"])
    return {
        "name": r.name,
        "extras": sorted(r.extras),
        "specifier": str(r.specifier),
        "url": r.url,
        "marker": None if r.marker is None else str(r.marker),
        "str": str(r),
    }


OPS = {
    "version": version,
    "compare": compare,
    "specifier": specifier,
    "contains": contains,
    "filter": filter_,
    "marker": marker,
    "requirement": requirement,
}

print(json.dumps({"packaging": packaging.__version__}))
for line in sys.stdin:
    if not line.strip():
        continue
    question = json.loads(line)
    try:
        answer = OPS[question["op"]](question)
    except Exception as error:  # invalid input: packaging's exception class is the answer
        answer = {"error": type(error).__name__}
    print(json.dumps(answer))
