"""Golden answers for tests/mirror/netrc.test.ts: what pip 23.2 (requests'
get_netrc_auth over Python 3.11's netrc module) sends for a host, given a netrc text.

Run from the repository root:
    python3 tests/mirror/golden/netrc-oracle.py > tests/mirror/golden/netrc.json
Each case is [label, netrc text, host, [login, password] or null]. Cases where Python raises
NetrcParseError (pip then sends no netrc credentials at all) are left out: wheelhouse skips the
tokens it does not know instead.
"""
import json
import os
import tempfile
from netrc import NetrcParseError, netrc

CASES = [
    ("one line", "machine a.example login u password p", "a.example"),
    ("several lines", "machine a\n  login u\n  password p\n", "a"),
    ("no match", "machine a login u password p", "b"),
    ("default after machine", "machine a login u password p\ndefault login d password q", "b"),
    ("machine beats default", "default login d password q\nmachine a login u password p", "a"),
    ("last entry wins", "machine a login u password p\nmachine a login v password w", "a"),
    ("last default wins", "default login d password q\ndefault login e password r", "z"),
    ("quoted password", 'machine a login u password "p w\\"x"', "a"),
    ("backslash outside quotes", "machine a login u password p\\ w\\\\x", "a"),
    ("quote inside a token", 'machine a login u password ab"cd"', "a"),
    ("user is login", "machine a user u password p", "a"),
    ("account when no login", "machine a account acc password p", "a"),
    ("login beats account", "machine a login u account acc password p", "a"),
    ("password only", "machine a password p", "a"),
    ("comment line", "# my hosts\nmachine a login u password p", "a"),
    ("comment after a value", "machine a login u # password x\n password p", "a"),
    ("hash glued to a comment word", "machine a login u #note\n password p", "a"),
    ("hash inside a password", "machine a login u password p#q", "a"),
    ("password starting with hash", "machine a login u password #p", "a"),
    ("macdef skipped", "macdef init\nmachine x login bad password bad\n\nmachine a login u password p", "a"),
    ("macdef body is not an entry", "macdef init\nmachine x login bad password bad\n\nmachine a login u password p", "x"),
    ("macdef ends at an empty line only", "macdef init\ncd /\n  \nmachine x login bad password bad\n\nmachine a login u password p", "x"),
    ("macdef name line rest", "macdef init   machine x login bad password bad\ncd /\n\nmachine a login u password p", "x"),
    ("CRLF lines", "machine a\r\n login u\r\n password p\r\n", "a"),
    ("tabs", "machine\ta\tlogin\tu\tpassword\tp", "a"),
    ("entry without password", "machine a login u", "a"),
]


def answer(text, host):
    with tempfile.NamedTemporaryFile("w", suffix=".netrc", delete=False, newline="") as f:
        f.write(text)
    try:
        found = netrc(f.name).authenticators(host)
    except NetrcParseError:
        return "error"
    finally:
        os.unlink(f.name)
    if not found:
        return None
    # requests' get_netrc_auth: the account stands in for an empty login
    login_i = 0 if found[0] else 1
    return [found[login_i], found[2]]


out = []
for label, text, host in CASES:
    got = answer(text, host)
    if got != "error":
        out.append([label, text, host, got])
print(json.dumps(out, indent=1))
