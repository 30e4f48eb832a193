# Generates simple-pip.json: how pip (the oracle, pip._internal.index.collector.parse_links) reads
# each recorded simple API page of the corpus, HTML and JSON. Run from the repository root:
#   python3 tests/pep/golden/simple-pip.py > tests/pep/golden/simple-pip.json
# Each page is read as if served from https://pypi.org/simple/<file stem>/.
import json
import pathlib

from pip._internal.index.collector import IndexContent, parse_links

corpus = pathlib.Path(__file__).resolve().parents[4] / "shared/corpus/pypi-org"
out = {}
for folder, content_type in (("simple-html", "text/html"), ("simple-json", "application/vnd.pypi.simple.v1+json")):
    for path in sorted((corpus / folder).glob("*.html" if folder == "simple-html" else "*.json")):
        url = f"https://pypi.org/simple/{path.stem}/"
        page = IndexContent(path.read_bytes(), content_type, "utf-8", url, cache_link_parsing=False)
        files = []
        for link in parse_links(page):
            meta = link.metadata_file_data
            files.append({
                "filename": link.filename,
                "url": link.url_without_fragment,
                "hashes": link._hashes,
                "requiresPython": link.requires_python or None,
                "yanked": link.yanked_reason if link.yanked_reason is not None else False,
                "coreMetadata": False if meta is None else (meta.hashes or {}),
            })
        out[f"{folder}/{path.name}"] = files
print(json.dumps(out, indent=1, sort_keys=True))
