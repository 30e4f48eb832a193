"""Print what pip 23.2's own parser makes of a requirements file: the oracle for the
"agrees with pip" tests of tests/pep/requirements-txt.test.ts (expected values there were
read from its output).

    python3 tests/pep/golden/pip-req-file.py FILE
"""

import json
import optparse
import sys

from pip._internal.index.collector import LinkCollector
from pip._internal.index.package_finder import PackageFinder
from pip._internal.models.format_control import FormatControl
from pip._internal.models.search_scope import SearchScope
from pip._internal.models.selection_prefs import SelectionPreferences
from pip._internal.network.session import PipSession
from pip._internal.req.constructors import install_req_from_parsed_requirement
from pip._internal.req.req_file import parse_requirements

session = PipSession()
scope = SearchScope.create(find_links=[], index_urls=["https://pypi.org/simple"], no_index=False)
finder = PackageFinder.create(
    link_collector=LinkCollector(session=session, search_scope=scope),
    selection_prefs=SelectionPreferences(
        allow_yanked=True, format_control=FormatControl(set(), set())
    ),
)
options = optparse.Values(
    {"require_hashes": False, "features_enabled": [], "format_control": FormatControl(set(), set())}
)
lines = []
try:
    for parsed in parse_requirements(sys.argv[1], session, finder=finder, options=options):
        req = install_req_from_parsed_requirement(parsed)
        lines.append(
            {
                "comes_from": parsed.comes_from,
                "constraint": parsed.constraint,
                "name": req.name,
                "specifier": str(req.specifier),
                "link": req.link.url if req.link else None,
                "marker": str(req.markers) if req.markers else None,
                "options": parsed.options,
            }
        )
except Exception as error:  # the message pip would print
    lines.append({"error": f"{type(error).__name__}: {error}"})
print(
    json.dumps(
        {
            "requirements": lines,
            "index_urls": finder.index_urls,
            "no_index": finder.search_scope.no_index,
            "find_links": finder.find_links,
        },
        indent=1,
    )
)
