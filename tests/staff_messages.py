"""Every message Boussole can show the centre's staff, read from the source code itself, so that
the guide's troubleshooting page (docs/guide/depannage.md) can be checked to explain each one.

A message is found where it is written: a ``french`` attribute or argument (``Verdict(…, french)``),
the French table of core/messages.py, the error constructors of core/ and ingest/ (their English
reasons are what the harvest's and the refresh's reports print, « failed: <adresse>: <raison> »),
the reasons a harvest lists, the CLI's ``ClickException``, and ``st.error`` / ``st.warning`` /
``st.info`` in Administration. Its text has « … » where an f-string has a field; the guide's entry
is a heading quoting it so. A message whose longest fixed part is under 8 characters
(« {name}: {exc} ») only passes another one through, and is not listed.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("core/*.py", "ingest/*.py", "cli/main.py", "ui/pages/admin.py", "ui/pages/common.py", "server/asgi.py")
ERROR_NAME = re.compile(r"(Error|Refused|Failed|Unreadable|Disallowed|Busy|Missing|Outdated|Unavailable|"
                        r"Mismatch|ClickException|^refused|^Failure)$")
REPORTED_IN = {"gaps", "failures"}  # lists of a harvest's reasons: « read.gaps.append(…) »
SHOWN_BY_STREAMLIT = {"error", "warning", "info"}  # st.error(…) and the like
NAMED = {"reason", "INCOMPLETE"}  # variables holding a reason the reports print
FRENCH_WORDS = {"le", "la", "les", "de", "du", "des", "est", "une", "un", "pas", "à", "dans", "sur", "pour", "ou", "et", "réessayez", "lancez"}
SHORTEST_KEY = 8  # shorter fixed parts (« {name}: {exc} ») pass another message through


@dataclass(frozen=True)
class StaffMessage:
    where: str  # file:line
    text: str  # the message with … in place of its fields
    key: str  # its longest fixed part

    @property
    def french(self) -> bool:
        words = set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", self.text.lower()))
        return len(words & FRENCH_WORDS) >= 2 or bool(re.search(r"[éèàçêù]", self.text))


def _parts(node: ast.AST) -> list[str] | None:
    """The fixed texts of a string expression (a literal, an f-string, their sums and conditionals)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.Constant) else "\0" for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _parts(node.left), _parts(node.right)
        return None if left is None and right is None else (left or ["\0"]) + (right or ["\0"])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace":
        return _parts(node.func.value)
    return None


def _message(node: ast.AST, where: str) -> StaffMessage | None:
    parts = _parts(node)
    if parts is None:
        return None
    text = "".join(parts)
    fixed = [p.strip(" :;,.()\n") for p in text.split("\0")]
    key = max(fixed, key=len)
    if len(key) < SHORTEST_KEY:
        return None
    return StaffMessage(where, text.replace("\0", "…"), key)


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _french_positions(tree: ast.AST) -> dict[str, int]:
    """Classes taking a ``french`` text (a dataclass field or an ``__init__`` parameter): where it
    stands among their positional arguments (``Verdict(action, reason, french)``)."""
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        names = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
        init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init:
            names = [a.arg for a in init.args.args[1:]]
        if "french" in names:
            found[node.name] = names.index("french")
    return found


def _shown(node: ast.AST, path: str, french_at: dict[str, int]) -> list[ast.AST]:
    """The string expressions of one node that reach staff."""
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in french_at and len(node.args) > french_at[name]:
            return [node.args[french_at[name]]]
        reported = name == "append" and _name(getattr(node.func, "value", None)) in REPORTED_IN
        streamlit = name in SHOWN_BY_STREAMLIT and _name(getattr(node.func, "value", None)) == "st"
        if ERROR_NAME.search(name) or reported or streamlit:
            return list(node.args) + [k.value for k in node.keywords if k.arg in (None, "french", "message")]
    if isinstance(node, ast.Assign):
        if any(isinstance(t, ast.Attribute) and t.attr == "french" for t in node.targets):
            return [node.value]
        if any(isinstance(t, ast.Name) and t.id in NAMED for t in node.targets):
            return [node.value]
        if any(isinstance(t, ast.Name) and t.id == "_FRENCH" for t in node.targets) and isinstance(node.value, ast.Dict):
            return list(node.value.values)
    if isinstance(node, ast.Return) and path == "core/messages.py" and node.value is not None:
        return [e for e in ast.walk(node.value) if isinstance(e, (ast.Constant, ast.JoinedStr))]
    return []


def staff_messages(root: Path = ROOT) -> list[StaffMessage]:
    found: dict[str, StaffMessage] = {}
    files = {f.relative_to(root).as_posix(): ast.parse(f.read_text(encoding="utf-8"))
             for pattern in SOURCES for f in sorted(root.glob(pattern))}
    french_at = {name: at for tree in files.values() for name, at in _french_positions(tree).items()}
    for path, tree in files.items():
        for node in ast.walk(tree):
            messages = [_message(e, f"{path}:{getattr(e, 'lineno', 0)}") for e in _shown(node, path, french_at)]
            messages = [m for m in messages if m]
            if any(m.french for m in messages):  # (detail, french): the English detail goes to the log
                messages = [m for m in messages if m.french]
            for message in messages:
                found.setdefault(message.text, message)
    return list(found.values())


def folded(text: str) -> str:
    """Quotes, apostrophes and spaces as the guide may type them."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u202f", " ").replace("\u00a0", " ")
    text = text.replace("`", "").replace("\\", "")
    return re.sub(r"\s+", " ", text).lower()
