"""How `boussole ui` starts Streamlit: which flags it passes.

What the user sets wins: an option given to `boussole ui` becomes a flag; Boussole's own
defaults (headless, no usage statistics, minimal toolbar, no error details for users) are
passed only for the settings that neither a ``STREAMLIT_*`` variable nor a ``config.toml``
(``./.streamlit/`` or ``~/.streamlit/``) sets — Streamlit ranks flags above both, so passing
them always would silently override the user's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULTS = {"server.headless": "true", "browser.gatherUsageStats": "false",
            "client.toolbarMode": "minimal", "client.showErrorDetails": "none",
            "server.port": "8501", "server.address": "localhost",
            # Watching the source files for edits is for developing the app: serving eight
            # sessions, the watcher threads took more CPU than the model (benchmarks/load.py).
            "server.fileWatcherType": "none"}


def config_files(cwd: Path, home: Path) -> list[Path]:
    return [home / ".streamlit" / "config.toml", cwd / ".streamlit" / "config.toml"]


def streamlit_flags(given: dict[str, str], environ: dict[str, str], configs: list[Path]) -> list[str]:
    """``--section.option value`` pairs: those given, then the defaults nothing else sets."""
    configured = _configured(configs)
    flags = dict(given)
    for option, value in DEFAULTS.items():
        if option in flags or option in configured or _variable(option) in environ:
            continue
        flags[option] = value
    return [part for option, value in flags.items() for part in (f"--{option}", value)]


def _variable(option: str) -> str:
    """Streamlit's environment variable for an option: server.port → STREAMLIT_SERVER_PORT."""
    section, name = option.split(".", 1)
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return f"STREAMLIT_{section.upper()}_{snake.upper()}"


def _configured(configs: list[Path]) -> set[str]:
    found = set()
    for path in configs:
        if path.is_file():
            with open(path, "rb") as handle:
                table = tomllib.load(handle)
            found |= {f"{section}.{key}" for section, values in table.items() if isinstance(values, dict)
                      for key in values}
    return found
