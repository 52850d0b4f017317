#!/usr/bin/env python3
"""Contract fuzzing of a running eline server with schemathesis, once per role and once anonymous.

Started by .ci/contract-fuzz (which prepares the virtualenv). Steps:

1. start `eline serve --demo` on a free loopback port with a fresh data dir; wait for /healthz;
2. log in as each demo role (admin, staff, member, unit, leader) through POST /api/v1/auth/login;
3. main runs, one per role (least powerful first, admin last), with that role's bearer token, of
   every operation in /api/openapi.json except the ones that end the caller's (or another role's)
   session: logout, token revocation, password change, password reset and the admin's user edits
   (PATCH /api/v1/users/{id} can deactivate an account). POST /api/v1/auth/login and
   /auth/first-login are also left to the anonymous run: each failed login counts towards the per-address throttle (30 in 15 minutes),
   after which nobody could log in again;
4. the session-ending run, per role, admin last: only those operations, each test case with a token
   minted for it (hooks in contract_fuzz_hooks.py), so revoking or logging out ends nothing else;
   the admin's own account is never reset;
5. the anonymous run, last (its failed logins lock out 127.0.0.1 for logins);
6. throughout, a watchdog restarts the server when it exits (a crash fails the run, but the other
   failures keep being collected); at the end the server must still be running.

Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance. Generation mode `all` (valid and
invalid data) through the examples, coverage (boundary values, wrong types, missing fields,
missing auth) and fuzzing phases, with dictionaries of extreme integers, long strings and odd
Unicode mixed into every integer, number and string schema, and numeric page cursors into every
`cursor` (EXTREME_INTEGERS, EXTREME_NUMBERS, ODD_STRINGS, LONG_STRINGS, CURSORS below).

The document is fetched from the server and checked first (query parameters declared `in: path`,
responses without description, duplicate operationIds); schemathesis runs on a copy in which the
misplaced query parameters are moved to the query, since it would otherwise never send them.

Output: each run's schemathesis summary, then a table of distinct failures (operation, status,
content type, roles, an example curl), transport errors (dropped connections), panics and crashes
from the server log. Everything else (full schemathesis output, ndjson/junit/json reports, server
logs, findings.json) is in the output directory, kept when the run fails.

Exit status: 0 when every run is clean, the document has no problems (see
--allow-document-problems) and the server never exited or panicked; 1 otherwise; 2 when the
server could not be started.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = ["member", "unit", "leader", "staff", "admin"]
DEMO_PASSWORD = "eline-demo"

# Operations that end a session: the caller's own (logout, revoke, password change) or another
# role's (an admin's password reset or user edit: deactivation, role change).
SESSION_ENDING = [
    "POST /api/v1/auth/logout",
    "POST /api/v1/tokens/{id}/revoke",
    "POST /api/v1/me/password",
    "POST /api/v1/users/{id}/reset-password",
    "POST /api/v1/users/{id}/revoke-tokens",
    "PATCH /api/v1/users/{id}",
]
# Failed logins lock the client address out of logging in: tested anonymously only, at the end.
LOGIN = ["POST /api/v1/auth/login", "POST /api/v1/auth/first-login"]

CHECK_ORDER = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
]
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]

# Values mixed into generated data, by JSON Schema type. Entries that match a schema are used in
# valid cases, the others in invalid ones. Integers are strings because TOML integers stop at i64.
EXTREME_INTEGERS = [
    "0", "-1", "1", "127", "128", "255", "256", "32767", "65535", "65536",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
    "9007199254740991", "9007199254740993", "1000000000000", "99999999999999",
    "9223372036854775807", "-9223372036854775808", "9223372036854775806",
    "9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "340282366920938463463374607431768211456", "-100000000000000000000000000000",
]
EXTREME_NUMBERS = [
    "0", "-0.0", "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "-5e-324", "2.2250738585072014e-308",
    "9.223372036854775807e18", "1e19", "0.1", "-1e-7", "123456789.123456789",
]
ODD_STRINGS = [
    "",
    " ",
    "\u3000",  # ideographic space
    "\u0000",
    "a\u0000b",
    "\u001b[31m",
    "\r\n\r\n",
    "\t",
    "\u007f",
    "\u0085",  # next line (C1)
    "\u200b",  # zero-width space
    "\u200d",
    "\u200e\u200f",  # LRM RLM
    "\u202e提案\u202c",  # right-to-left override
    "\u2028\u2029",  # line/paragraph separators
    "\ufeff提案",  # BOM
    "\ufffd",
    "\ufffe\uffff",  # noncharacters
    "\U0010ffff",
    "\U0001f600",  # emoji (astral)
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # ZWJ sequence
    "\U0001f1e8\U0001f1f3",  # flag
    "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",  # combining marks
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334",
    "\U00020000\U0002a6d6",  # CJK extension B
    "\uff11\uff12\uff13",  # full-width digits
    "\u00bd",
    "\u0663",  # Arabic-Indic digit three
    "\u2167",  # Roman numeral eight
    "提案",
    "提案 社情民意",
    "\u63d0\u6848",
    "\u9ad4\u5236\u6539\u9769",  # traditional characters
    "\u0130stanbul",
    "\u00df",
    "\ufb01",
    "%00",
    "%",
    "%%",
    "%ff%fe",
    "../../../../etc/passwd",
    "..\\..\\windows",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "\" OR 1=1 --",
    "'; DROP TABLE proposals; --",
    "*",
    "\\",
    "\"",
    "AND OR NOT",
    "title:",
    "+-&&||!(){}[]^\"~*?:\\/",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-0",
    "2024-02-30",
    "9999-12-31",
    "0000-00-00",
    "1000000000000",
    "9223372036854775808",
    "-9223372036854775809",
    "true",
    "null",
    "W/\"1\"",
]
# Header parameters (If-None-Match, If-Match, Idempotency-Key) get the odd strings an HTTP header
# can carry — visible ASCII, no surrounding whitespace, no control characters: the others cannot be
# sent (the client refuses them) or are refused by hyper's parser before the application (400) —
# and the entity-tag and key shapes the server parses.
HEADER_STRINGS = [s for s in ODD_STRINGS if s and s.isascii() and s.isprintable() and s == s.strip()] + [
    '"1-0123456789abcdef"', 'W/"1-0123456789abcdef"', '"x", W/"1-0123456789abcdef"', '"a,b"', '"unterminated', '"1-"', '"-1-00"',
    '"1-zz"', '"9223372036854775808-00"', "0", "1", "-1", "k" * 255, "k" * 256, '"' + "9" * 300 + '"',
]
HEADER_PARAMETERS = ["If-None-Match", "If-Match", "Idempotency-Key"]
# Long, but short enough that a URL carrying one stays under hyper's 64 KiB limit (else 414).
# Page cursors are opaque strings in the document, numbers (ids, offsets) in the server.
CURSORS = [
    "0", "1", "-1", "50", "200", "1000000", "1000000000000", "2147483648", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "18446744073709551615", "99999999999999999999",
    "1e12", "0x10", "1.5", " 1", "1 ", "+1", "\u0661\u0662\u0663", "MTAw", "eyJpZCI6MX0", "null",
]
LONG_STRINGS = [
    "x" * 101,
    "x" * 256,
    "x" * 4097,
    "提" * 101,
    "提案" * 500,
    "\U0001f600" * 1000,
    "e" + "\u0301" * 2000,
    "\u200b" * 1000,
    "a " * 5000,
]


def toml_str(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


def write_config(path: Path, hooks: Path | None) -> None:
    lines = [
        "# Generated by .ci/contract_fuzz.py",
        "color = false",
        'suppress-health-check = ["all"]',
        "",
        # No crash files kept between runs (they would be replayed, and land in the work tree).
        "[cache]",
        "enabled = false",
        "",
        # The anonymous run must stay anonymous: schemathesis would otherwise take an operation
        # named like a sign-up (POST /api/v1/users, …/accounts) for one and try to register.
        "[auth]",
        "auto-signup = false",
        "",
        "[generation]",
        'mode = "all"',
        "allow-x00 = true",
        'codec = "utf-8"',
        'database = "none"',
        "",
        "[generation.dictionaries.integer]",
        'dictionary = "extreme_integers"',
        "probability = 0.25",
        "[generation.dictionaries.number]",
        'dictionary = "extreme_numbers"',
        "probability = 0.25",
        "[generation.dictionaries.string]",
        'dictionary = "odd_strings"',
        "probability = 0.35",
        "",
        '[parameters."query.cursor"]',
        'dictionary = "cursors"',
        "probability = 0.5",
        '[parameters."query.limit"]',
        'dictionary = "extreme_integers"',
        "probability = 0.5",
        *[line for name in HEADER_PARAMETERS for line in (f'[parameters."header.{name}"]', 'dictionary = "header_strings"', "probability = 0.35")],
        "",
        "[dictionaries.cursors]",
        f"values = {toml_list(CURSORS)}",
        "[dictionaries.extreme_integers]",
        f"values = {toml_list(EXTREME_INTEGERS)}",
        "[dictionaries.extreme_numbers]",
        f"values = {toml_list(EXTREME_NUMBERS)}",
        "[dictionaries.odd_strings]",
        f"values = {toml_list(ODD_STRINGS + LONG_STRINGS)}",
        "[dictionaries.header_strings]",
        f"values = {toml_list(HEADER_STRINGS)}",
        "",
        # Off: it would hide query parameters such as `session` from the reproduction commands.
        "[output.sanitization]",
        "enabled = false",
        "[output.truncation]",
        "max-payload-size = 2000",
        "",
    ]
    if hooks is not None:
        lines.insert(1, f"hooks = {toml_str(str(hooks))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def check_and_repair(spec: dict, problem_json: bool = False) -> tuple[list[str], list[str]]:
    """Problems of the document itself, and the repairs without which fuzzing would miss inputs.

    Repair: a parameter declared `in: path` whose name is not in the path template is really a
    query parameter (utoipa's IntoParams without `parameter_in = Query`); schemathesis drops such
    parameters, so nothing would ever be sent for them. They are moved to `in: query`, optional
    (the server treats all of them as optional except the upload's `purpose`).
    """
    problems: list[str] = []
    repairs: list[str] = []
    moved: dict[str, list[str]] = {}
    no_description: list[str] = []
    problem_json_moved: list[str] = []
    op_ids: dict[str, list[str]] = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            label = f"{method.upper()} {path}"
            for prm in op.get("parameters", []):
                if prm.get("in") == "path" and "{" + prm.get("name", "") + "}" not in path:
                    moved.setdefault(label, []).append(prm["name"])
                    prm["in"] = "query"
                    # Option<…> fields are nullable, #[serde(default)] ones are booleans or strings
                    # that the server does not require; a non-nullable string (`purpose`) is required.
                    types = prm.get("schema", {}).get("type")
                    types = types if isinstance(types, list) else [types]
                    prm["required"] = "null" not in types and "boolean" not in types and prm["name"] not in ("q", "title", "body")
            for code, resp in op.get("responses", {}).items():
                if isinstance(resp, dict) and "$ref" not in resp and not resp.get("description"):
                    no_description.append(f"{label} {code}")
                content = resp.get("content") or {} if isinstance(resp, dict) else {}
                media = content.get("application/json")
                if problem_json and media and media.get("schema", {}).get("$ref", "").endswith("/Problem"):
                    content["application/problem+json"] = content.pop("application/json")
                    problem_json_moved.append(f"{label} {code}")
            if "operationId" in op:
                op_ids.setdefault(op["operationId"], []).append(label)
    if moved:
        n = sum(len(v) for v in moved.values())
        problems.append(f"{n} query parameters of {len(moved)} operations are declared `in: path` (not in the path template):")
        problems += [f"    {label}: {', '.join(names)}" for label, names in moved.items()]
        repairs.append(f"moved those {n} parameters to `in: query`, optional, so that they are fuzzed")
    if problem_json_moved:
        repairs.append(f"(exploration, --assume-problem-json) documented {len(problem_json_moved)} Problem responses "
                       "as application/problem+json instead of application/json")
    if no_description:
        problems.append(f"{len(no_description)} responses have no `description` (required by OpenAPI), e.g. {', '.join(no_description[:3])}")
    dups = {k: v for k, v in op_ids.items() if len(v) > 1}
    if dups:
        problems.append(f"{len(dups)} operationIds are not unique (OpenAPI requires unique ones):")
        problems += [f"    {k}: {'; '.join(v)}" for k, v in sorted(dups.items())]
    return problems, repairs


def _decode(body) -> str:
    if body is None:
        return ""
    if isinstance(body, dict) and "$base64" in body:
        import base64

        raw = base64.b64decode(body["$base64"])
        return raw.decode("utf-8", errors="replace")
    return str(body)


def shell_quote(s: str) -> str:
    if all(c.isprintable() for c in s):
        return "'" + s.replace("'", "'\\''") + "'"
    out = []
    for c in s:
        if c in "\\'":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif not c.isprintable():
            out.append("".join(f"\\x{b:02x}" for b in c.encode("utf-8")))
        else:
            out.append(c)
    return "$'" + "".join(out) + "'"


def curl_of(req: dict, base: str) -> str:
    uri = req.get("uri", "")
    if uri.startswith(base):
        uri = "$BASE" + uri[len(base):]
    parts = ["curl -sS -i -X", req.get("method", "GET")]
    for name, values in (req.get("headers") or {}).items():
        if name.lower() in ("user-agent", "accept-encoding", "accept", "connection", "content-length", "x-schemathesis-testcaseid"):
            continue
        for v in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization":
                parts.append('-H "Authorization: Bearer $TOKEN"')
                continue
            parts.append("-H " + shell_quote(f"{name}: {v}"))
    body = _decode(req.get("body"))
    if body:
        parts.append("--data-binary " + shell_quote(body if len(body) < 600 else body[:600] + "…(truncated)"))
    parts.append('"$BASE"' + shell_quote(uri[len("$BASE"):]) if uri.startswith("$BASE") else shell_quote(uri))
    return " ".join(parts)


def collect_findings(report_dir: Path, run_name: str, base: str) -> tuple[list[dict], list[dict]]:
    """Failed checks and transport errors of one run, from schemathesis's ndjson event stream."""
    findings: list[dict] = []
    errors: list[dict] = []
    for nd in report_dir.glob("*.ndjson"):
        with open(nd, encoding="utf-8") as fd:
            for line in fd:
                if '"NonFatalError"' in line[:20]:
                    e = json.loads(line)["NonFatalError"]
                    errors.append({"run": run_name, "operation": e.get("label"), "phase": e.get("phase"),
                                   "type": (e.get("value") or {}).get("type"), "message": (e.get("value") or {}).get("message", "")[:300]})
                    continue
                if '"ScenarioFinished"' not in line[:25] or '"failure"' not in line:
                    continue
                sf = json.loads(line)["ScenarioFinished"]
                rec = sf.get("recorder") or {}
                for case_id, checks in (rec.get("checks") or {}).items():
                    for c in checks:
                        if c.get("status") != "failure":
                            continue
                        f = (c.get("failure_info") or {}).get("failure") or {}
                        inter = (rec.get("interactions") or {}).get(case_id) or {}
                        req, resp = inter.get("request") or {}, inter.get("response") or {}
                        ctype = ((resp.get("headers") or {}).get("content-type") or [""])[0]
                        findings.append({
                            "run": run_name,
                            "operation": f.get("operation") or rec.get("label"),
                            "check": c.get("name"),
                            "code": f.get("code"),
                            "title": f.get("title"),
                            "message": f.get("message", ""),
                            "phase": sf.get("phase"),
                            "status": resp.get("status_code"),
                            "content_type": ctype,
                            "response": _decode(resp.get("content"))[:400],
                            "curl": curl_of(req, base),
                        })
    return findings, errors


def error_curls(text_path: Path, base: str) -> list[tuple[str, str]]:
    """(operation, curl) of each transport error in schemathesis's text output (ERRORS section)."""
    pairs: list[tuple[str, str]] = []
    if not text_path.exists():
        return pairs
    lines = text_path.read_text(encoding="utf-8", errors="replace").splitlines()
    in_errors, label = False, None
    for line in lines:
        if line.startswith("=") and "ERRORS" in line:
            in_errors = True
            continue
        if in_errors and line.startswith("=") and line.strip("= ") and "ERRORS" not in line:
            break
        if not in_errors:
            continue
        if line.startswith("_") and line.endswith("_"):
            label = line.strip("_ ")
        elif line.strip().startswith("curl ") and label:
            cmd = line.strip().replace(base, "$BASE")
            cmd = re.sub(r"-H 'Authorization: [^']*'", '-H "Authorization: Bearer $TOKEN"', cmd)
            cmd = re.sub(r"'\$BASE([^']*)'", "\"$BASE\"'\\1'", cmd)
            cmd = re.sub(r" \$BASE(\S*)", " \"$BASE\"'\\1'", cmd)
            pairs.append((label, cmd))
    return pairs


def server_panics(log_dir: Path) -> list[dict]:
    """Panics in the server logs (a panicking handler drops the connection; the process lives on)."""
    found: dict[tuple, dict] = {}
    for log in sorted(log_dir.glob("server-*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            m = re.search(r"panicked at (\S+):$", line)
            if not m:
                continue
            where = m.group(1)
            where = re.sub(r"^/root/\.cargo/registry/src/[^/]+/", "", where)
            msg = lines[i + 1].strip() if i + 1 < len(lines) else ""
            thread = re.search(r"thread '([^']*)'", line)
            key = (where, msg)
            g = found.setdefault(key, {"where": where, "message": msg, "threads": set(), "count": 0, "log": log.name})
            g["count"] += 1
            if thread:
                g["threads"].add(re.sub(r"-\d+$", "", thread.group(1)))
        for i, line in enumerate(lines):
            if "memory allocation of" in line and "failed" in line:
                key = ("(allocator)", line.strip())
                g = found.setdefault(key, {"where": "(allocator, process aborted)", "message": line.strip(),
                                           "threads": set(), "count": 0, "log": log.name})
                g["count"] += 1
    out = []
    for g in found.values():
        g["threads"] = sorted(g["threads"])
        out.append(g)
    return out


def distinct(findings: list[dict]) -> list[dict]:
    """One row per (operation, failed check, status, content type, first message line)."""
    groups: dict[tuple, dict] = {}
    for f in findings:
        first = (f["message"] or "").splitlines()[0] if f["message"] else ""
        if f["check"] == "status_code_conformance":
            first = f"Received: {f['status']}"
        key = (f["operation"], f["check"], f["status"], f["content_type"].split(";")[0], first)
        g = groups.get(key)
        if g is None:
            g = groups[key] = dict(f, roles=[], count=0)
        g["count"] += 1
        role = f["run"].replace("-session-ending", "")
        if role not in g["roles"]:
            g["roles"].append(role)
        if len(f["curl"]) < len(g["curl"]):
            g["curl"] = f["curl"]
    return sorted(groups.values(), key=lambda g: (g["check"], g["operation"], g["status"] or 0))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, token: str | None = None, body: dict | None = None, timeout: float = 10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return None, str(e).encode()


def _die_with_parent() -> None:
    """In the server's process: get SIGTERM when the driver dies, however it dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Server:
    """The eline process, restarted by a watchdog thread whenever it exits."""

    def __init__(self, binary: str, data_dir: Path, log_dir: Path, port: int):
        self.binary = binary
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.incarnation = 0
        self.crashes: list[dict] = []
        self.current_run = "startup"
        self.lock = threading.Lock()
        self.stopping = False
        self.watchdog: threading.Thread | None = None

    def _spawn(self) -> None:
        self.incarnation += 1
        self.log_path = self.log_dir / f"server-{self.incarnation}.log"
        env = dict(os.environ)
        # One line per request, so that the request that killed the server is in the log.
        env.setdefault("ELINE_LOG", "info,sqlx=warn,tower_http=warn,tower_http::trace::make_span=debug,tower_http::trace::on_request=debug")
        env["NO_COLOR"] = "1"
        env["RUST_BACKTRACE"] = "1"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--demo", "--addr", f"127.0.0.1:{self.port}", "--data-dir", str(self.data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                preexec_fn=_die_with_parent,
            )

    def wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            status, _ = http("GET", self.base + "/healthz", timeout=2)
            if status == 200:
                return True
            time.sleep(0.1)
        return False

    def start(self, timeout: float = 120) -> None:
        self._spawn()
        if not self.wait_healthy(timeout):
            print(f"contract-fuzz: the server did not become healthy within {timeout:.0f}s", file=sys.stderr)
            print(self.log_tail(), file=sys.stderr)
            self.stop()
            sys.exit(2)
        self.watchdog = threading.Thread(target=self._watch, daemon=True)
        self.watchdog.start()

    def _watch(self) -> None:
        while not self.stopping:
            time.sleep(0.05)
            with self.lock:
                if self.stopping or self.proc is None or self.proc.poll() is None:
                    continue
                code = self.proc.returncode
                crash = {
                    "run": self.current_run,
                    "exit_code": code,
                    "at": time.strftime("%H:%M:%S"),
                    "log": str(self.log_path),
                    "log_tail": "\n".join(l[:300] for l in self.log_tail(12).splitlines()),
                }
                self.crashes.append(crash)
                print(f"\ncontract-fuzz: SERVER EXITED with status {code} during the {self.current_run} run; "
                      f"restarting it (log: {self.log_path})\n", flush=True)
                self._spawn()
                if not self.wait_healthy(60):
                    print("contract-fuzz: the restarted server is not healthy", flush=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            if self.proc is not None and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


def login(base: str, username: str) -> tuple[str, int]:
    status, body = http("POST", base + "/api/v1/auth/login", body={"username": username, "password": DEMO_PASSWORD})
    if status != 200:
        raise SystemExit(f"contract-fuzz: login as {username} failed: {status} {body[:300]!r}")
    token = json.loads(body)["token"]
    status, body = http("GET", base + "/api/v1/me", token=token)
    if status != 200:
        raise SystemExit(f"contract-fuzz: GET /api/v1/me as {username} failed: {status} {body[:300]!r}")
    return token, json.loads(body)["user_id"]


def token_ok(base: str, token: str) -> bool:
    status, _ = http("GET", base + "/api/v1/me", token=token)
    return status == 200


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--schemathesis", default=shutil.which("schemathesis") or "schemathesis")
    ap.add_argument("--max-examples", type=int, default=int(os.environ.get("CONTRACT_FUZZ_MAX_EXAMPLES", "8")),
                    help="fuzzing-phase cases per operation and run (default 8)")
    ap.add_argument("--role-time", type=int, default=int(os.environ.get("CONTRACT_FUZZ_ROLE_TIME", "28")),
                    help="time budget in seconds of each main run (default 28)")
    ap.add_argument("--seed", default=os.environ.get("CONTRACT_FUZZ_SEED", "20240601"),
                    help="hypothesis seed ('random' for a new one each time)")
    # One worker: as many cases per second as two here (the server has the other core), and no
    # threads, whose concurrent ast.parse calls hit CPython's spurious "AST constructor recursion
    # depth mismatch" SystemError (gh-106905) now and then.
    ap.add_argument("--workers", default=os.environ.get("CONTRACT_FUZZ_WORKERS", "1"))
    ap.add_argument("--roles", default=os.environ.get("CONTRACT_FUZZ_ROLES", ",".join(ROLES + ["anonymous"])),
                    help="comma-separated subset of member,unit,leader,staff,admin,anonymous")
    ap.add_argument("--out", default=os.environ.get("CONTRACT_FUZZ_OUT"),
                    help="directory for reports and server logs (default: a temporary one, kept on failure)")
    ap.add_argument("--checks", default=",".join(CHECKS))
    ap.add_argument("--phases", default=os.environ.get("CONTRACT_FUZZ_PHASES", "examples,coverage,fuzzing"))
    ap.add_argument("--allow-document-problems", action="store_true",
                    help="do not fail on problems of the OpenAPI document itself (they are still printed)")
    ap.add_argument("--assume-problem-json", action="store_true",
                    help="exploration: document the Problem responses as application/problem+json (what the "
                         "server sends) so that their bodies get validated against the Problem schema")
    ap.add_argument("--no-session-ending", action="store_true", help="skip the session-ending run")
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    args = ap.parse_args(argv)
    args.extra = extra

    wanted = [r for r in args.roles.split(",") if r]
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="eline-contract-"))
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="eline-contract-data-"))
    config = out / "schemathesis.toml"
    write_config(config, HERE / "contract_fuzz_hooks.py")
    seed = None if args.seed == "random" else args.seed

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    server = Server(args.binary, data_dir, out, free_port())
    print(f"contract-fuzz: starting {args.binary} on {server.base} (data {data_dir}, reports {out})", flush=True)
    server.start()
    try:
        return fuzz(args, server, out, data_dir, config, seed, wanted, started)
    finally:
        server.stop()


def fuzz(args, server: Server, out: Path, data_dir: Path, config: Path, seed, wanted: list[str], started: float) -> int:
    print(f"contract-fuzz: server healthy after {time.monotonic() - started:.1f}s", flush=True)

    spec_url = server.base + "/api/openapi.json"
    status, spec_body = http("GET", spec_url)
    if status != 200:
        print(f"contract-fuzz: GET /api/openapi.json answered {status}", file=sys.stderr)
        server.stop()
        return 2
    (out / "openapi.json").write_bytes(spec_body)
    spec = json.loads(spec_body)
    all_ops = [f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item if m in METHODS]
    doc_problems, doc_repairs = check_and_repair(spec, args.assume_problem_json)
    spec_file = out / "openapi-repaired.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    if doc_problems:
        print("contract-fuzz: problems of the OpenAPI document:\n  " + "\n  ".join(doc_problems), flush=True)
    for r in doc_repairs:
        print(f"contract-fuzz: repaired copy for fuzzing: {r}", flush=True)

    tokens: dict[str, str] = {}
    user_ids: dict[str, int] = {}
    for role in ROLES:
        if role in wanted:
            tokens[role], user_ids[role] = login(server.base, role)

    results: list[dict] = []
    notes: list[str] = []

    def run(name: str, role: str | None, include: list[str] | None, exclude: list[str], max_examples: int,
            max_time: int | None, env_extra: dict | None = None) -> None:
        server.current_run = name
        report_dir = out / name
        cmd = [args.schemathesis, "--config-file", str(config), "run", str(spec_file), "--url", server.base,
               "--checks", args.checks,
               "--phases", args.phases,
               "--max-examples", str(max_examples),
               "--workers", str(args.workers),
               "--request-timeout", "20",
               "--continue-on-failure",
               "--report", "json,junit,ndjson", "--report-dir", str(report_dir)]
        if max_time:
            cmd += ["--max-time", str(max_time)]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        if role is not None and not (env_extra and "CONTRACT_FUZZ_MINT_ROLE" in env_extra):
            cmd += ["-H", f"Authorization: Bearer {tokens[role]}"]
        for op in include or []:
            cmd += ["--include-name", op]
        for op in exclude:
            cmd += ["--exclude-name", op]
        cmd += args.extra
        env = dict(os.environ, **(env_extra or {}))
        env["CONTRACT_FUZZ_BASE"] = server.base
        print(f"\n===== contract-fuzz: {name} run ({role or 'no token'}) =====", flush=True)
        t0 = time.monotonic()
        # Its full output (every failure with a curl command) goes to a file; CI shows its summary
        # and, at the end, our table of distinct failures.
        log_path = out / f"{name}.schemathesis.txt"
        with open(log_path, "w", encoding="utf-8") as log:
            try:
                # cwd: hypothesis and schemathesis leave their directories there, not in the work tree.
                rc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    cwd=out, timeout=(max_time or 30) * 3 + 60).returncode
            except subprocess.TimeoutExpired:
                rc = 124
                notes.append(f"the {name} run did not finish in time and was stopped")
        text = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        at = next((i for i, l in enumerate(text) if "SUMMARY" in l and l.startswith("=")), max(0, len(text) - 30))
        print("\n".join(l for l in text[at:] if l.strip()), flush=True)
        elapsed = time.monotonic() - t0
        report = {}
        rp = report_dir / "report.json"
        if not rp.exists():
            found = list(report_dir.glob("*.json"))
            rp = found[0] if found else rp
        if rp.exists():
            report = json.loads(rp.read_text(encoding="utf-8"))
        found, errs = collect_findings(report_dir, name, server.base)
        curls = error_curls(log_path, server.base)
        for e in errs:
            for j, (label, cmd) in enumerate(curls):
                if label == e["operation"]:
                    e["curl"] = cmd
                    del curls[j]
                    break
        results.append({"name": name, "rc": rc, "elapsed": elapsed, "report": report, "findings": found, "errors": errs})
        # A main run must not have ended any role's session (else the exclusions above are
        # incomplete); the session-ending and anonymous runs may (an admin's password reset locks
        # a role out; failed logins lock out the address).
        if role is None or (env_extra and "CONTRACT_FUZZ_MINT_ROLE" in env_extra):
            return
        for r, tok in list(tokens.items()):
            if not token_ok(server.base, tok):
                try:
                    tokens[r], user_ids[r] = login(server.base, r)
                    notes.append(f"the {name} run ended the {r} session (token no longer valid); logged in again")
                except SystemExit as e:
                    notes.append(f"the {name} run ended the {r} session and {r} cannot log in again: {e}")

    main_exclude = SESSION_ENDING + LOGIN
    for role in ROLES:
        if role in wanted and role in tokens:
            run(role, role, None, main_exclude, args.max_examples, args.role_time)

    if not args.no_session_ending:
        for role in ROLES:
            if role in wanted:
                # Tokens are minted per test case by the hooks; the master token stays with us.
                env_extra = {
                    "CONTRACT_FUZZ_MINT_ROLE": role,
                    "CONTRACT_FUZZ_MASTER_TOKEN": tokens[role],
                    "CONTRACT_FUZZ_PASSWORD": DEMO_PASSWORD,
                    "CONTRACT_FUZZ_PROTECT_USER_ID": str(user_ids[role]),
                }
                run(f"{role}-session-ending", role, SESSION_ENDING, [], max(2, args.max_examples // 2), None, env_extra)

    if "anonymous" in wanted:
        run("anonymous", None, None, [], args.max_examples, args.role_time)

    time.sleep(0.3)  # let the watchdog notice a last-moment exit
    alive_at_end = server.alive()
    total = time.monotonic() - started

    # Summary
    print("\n===== contract-fuzz summary =====")
    print(f"operations in the document: {len(all_ops)}")
    print(f"{'run':<26}{'exit':>5}{'time':>8}{'ops':>6}{'cases':>8}{'failing':>9}{'errors':>8}")
    by_check: Counter = Counter()
    failed = False
    for r in results:
        rep = r["report"]
        ops = (rep.get("operations") or {}).get("tested", "?")
        cases = (rep.get("test_cases") or {}).get("generated", "?")
        failing = (rep.get("test_cases") or {}).get("with_failures", "?")
        errors = sum(e.get("count", 0) for e in rep.get("errors", []))
        print(f"{r['name']:<26}{r['rc']:>5}{r['elapsed']:>7.0f}s{ops!s:>6}{cases!s:>8}{failing!s:>9}{errors:>8}")
        for f in rep.get("failures", []):
            by_check[f.get("title") or f.get("code")] += f.get("count", 1)
        if r["rc"] != 0:
            failed = True
    if by_check:
        print("\nfailures by check (distinct failures, all runs):")
        for title, n in by_check.most_common():
            print(f"  {n:>5}  {title}")
    if doc_problems:
        failed = failed or not args.allow_document_problems
        print("\nOpenAPI document problems" + (" (allowed by --allow-document-problems)" if args.allow_document_problems else "") + ":")
        print("  " + "\n  ".join(doc_problems))
    findings = [f for r in results for f in r["findings"]]
    errors = [e for r in results for e in r["errors"]]
    rows = distinct(findings)
    (out / "findings.json").write_text(json.dumps({"distinct": rows, "errors": errors, "crashes": server.crashes,
                                                   "panics": server_panics(out),
                                                   "document_problems": doc_problems}, ensure_ascii=False, indent=1), encoding="utf-8")
    if rows:
        print(f"\n===== distinct failures: {len(rows)} (BASE={server.base}; TOKEN: a bearer token of the role) =====")
        for check in CHECK_ORDER + sorted({g["check"] for g in rows} - set(CHECK_ORDER)):
            group = [g for g in rows if g["check"] == check]
            if not group:
                continue
            print(f"\n--- {check}: {len(group)} ---")
            # One paragraph per (status, content type, message): the operations it happens on.
            paragraphs: dict[tuple, list[dict]] = {}
            for g in group:
                lines = [l.strip() for l in (g["message"] or "").splitlines() if l.strip()]
                if check == "status_code_conformance":
                    lines = []
                paragraphs.setdefault((g["status"], g["content_type"].split(";")[0], " / ".join(lines)[:300]), []).append(g)
            for (status, ctype, msg), gs in paragraphs.items():
                roles = sorted({r for g in gs for r in g["roles"]}, key=(ROLES + ["anonymous"]).index)
                print(f"  {status} {ctype}{': ' + msg if msg else ''}  [{len(gs)} operations; roles: {','.join(roles)}]")
                for g in gs:
                    documented = ""
                    if check == "status_code_conformance":
                        documented = next((l.split(":", 1)[1].strip() for l in g["message"].splitlines() if l.startswith("Documented")), "")
                        documented = f" (documented: {documented})"
                    print(f"    {g['operation']}{documented}  [{','.join(g['roles'])}; {g['count']} cases]")
                example = min((g["curl"] for g in gs), key=len)
                if len(example) <= 500:
                    print(f"    e.g. {example}")
    if errors:
        print(f"\n===== transport errors: {len(errors)} (a handler panic or a crash drops the connection) =====")
        for e in errors:
            print(f"  [{e['run']}] {e['operation']}: {e['type']}: {e['message'][:160]}")
            if e.get("curl"):
                print(f"      {e['curl'][:600]}")
    panics = server_panics(out)
    if panics:
        failed = True
        print(f"\n===== server panics: {len(panics)} distinct (from the server logs) =====")
        for p in panics:
            print(f"  {p['where']}: {p['message']}  [{p['count']}x; threads {','.join(p['threads']) or '-'}]")
    for n in notes:
        print(f"note: {n}")
        failed = True
    for c in server.crashes:
        failed = True
        print(f"\nSERVER CRASH during the {c['run']} run at {c['at']} (exit status {c['exit_code']}); log tail:")
        print(c["log_tail"])
    if not alive_at_end:
        failed = True
        print(f"\nthe server is not running at the end (exit status {server.proc.returncode}); log tail:")
        print(server.log_tail())
    server.stop()
    print(f"\ncrashes: {len(server.crashes)}; total time {total:.0f}s; reports in {out}")
    if not failed:
        shutil.rmtree(data_dir, ignore_errors=True)
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)
    print("contract-fuzz: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
