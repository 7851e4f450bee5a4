"""Where profiles live and what they contain."""

from __future__ import annotations

import os
from pathlib import Path

from factwatch.errors import ConfigError

# The repository's profiles/ folder (editable installs and checkouts); FACTWATCH_PROFILES overrides.
_REPO_ROOT = Path(__file__).resolve().parents[2]


def profiles_root() -> Path:
    return Path(os.environ.get("FACTWATCH_PROFILES") or _REPO_ROOT / "profiles")


def demo_root() -> Path:
    return Path(os.environ.get("FACTWATCH_DEMO") or _REPO_ROOT / "demo")


def profile_dir(name: str) -> Path:
    root = profiles_root()
    path = root / name
    if not path.is_dir():
        found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise ConfigError(
            f"Profile {name!r} not found in {root}. Available: {', '.join(found) or 'none'}. "
            "Pass --profile NAME or set FACTWATCH_PROFILES."
        )
    return path


def profile_file(name: str, filename: str) -> Path:
    path = profile_dir(name) / filename
    if not path.is_file():
        raise ConfigError(f"Profile {name!r} has no {filename} (looked at {path}).")
    return path


DEFAULT_PROFILE = "western-balkans"
