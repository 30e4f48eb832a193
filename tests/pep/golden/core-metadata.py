# Generates core-metadata.json: what python's `packaging` (the oracle) reads from each corpus
# .metadata file. Run from the repository root:
#   python3 tests/pep/golden/core-metadata.py > tests/pep/golden/core-metadata.json
import json
import pathlib

from packaging.metadata import parse_email

corpus = pathlib.Path(__file__).resolve().parents[4] / "shared/corpus/pypi-org/metadata"
out = {}
for path in sorted(corpus.rglob("*.metadata")):
    raw, _unparsed = parse_email(path.read_bytes())
    out[path.relative_to(corpus).as_posix()] = {
        "metadataVersion": raw.get("metadata_version"),
        "name": raw.get("name"),
        "version": raw.get("version"),
        "requiresDist": raw.get("requires_dist", []),
        "providesExtra": raw.get("provides_extra", []),
        "requiresPython": raw.get("requires_python"),
        "summary": raw.get("summary"),
        "classifiers": raw.get("classifiers", []),
        "description": raw.get("description"),
    }
print(json.dumps(out, indent=1, ensure_ascii=False))
