"""The choices an officer gets (layout profile, 文种), asked of the pipeline rather than written here.

Why this module exists: regional profiles and 决算 are library features that grow on their own;
the workbench lists whatever the installed library offers and passes the choice through only
when the pipeline accepts it, so the web layer never hard-codes a region or a document kind.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache

BUDGET = "预算"


@dataclass(frozen=True)
class Choices:
    profiles: tuple[str, ...]
    default_profile: str
    kinds: tuple[str, ...]
    default_kind: str


def _profiles() -> tuple[tuple[str, ...], str]:
    try:
        from ..layout import profile as profiles  # regional layouts, when the library has them
    except ImportError:
        return (), ""
    for name in ("shipped_profiles", "available_profiles", "list_profiles"):
        lister = getattr(profiles, name, None)
        if callable(lister):
            try:
                found = tuple(str(p) for p in lister())
            except Exception:  # noqa: BLE001 - a broken profile folder must not take the page down
                found = ()
            return found, str(getattr(profiles, "DEFAULT_PROFILE", found[0] if found else ""))
    folder = getattr(profiles, "PROFILE_DIR", None)
    if folder is not None and folder.is_dir():
        found = tuple(sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))))
        return found, str(getattr(profiles, "DEFAULT_PROFILE", found[0] if found else ""))
    return (), ""


def _kinds() -> tuple[str, ...]:
    from .. import pipeline

    kinds = getattr(pipeline, "DOCUMENT_KINDS", None)
    if kinds:
        return tuple(str(k) for k in kinds)
    return (BUDGET,)


@lru_cache(maxsize=1)
def choices() -> Choices:
    profiles, default = _profiles()
    kinds = _kinds()
    return Choices(profiles, default, kinds, kinds[0])


def _accepts(func, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def pipeline_options(func, profile: str, kind: str) -> dict:
    """Keyword arguments for ``func`` (pipeline.validate/generate): only those it understands."""
    c = choices()
    out: dict = {}
    if profile and profile in c.profiles and _accepts(func, "profile"):
        out["profile"] = profile
    if kind and kind in c.kinds and kind != BUDGET:
        for name in ("kind", "文种"):
            if _accepts(func, name):
                out[name] = kind
                break
    return out


def clean_choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    """A submitted choice if it is one the server offered, else the default (never trusted as given)."""
    return value if value in allowed else default
