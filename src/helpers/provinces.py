"""Province names: ASCII slugs for parameters (``bac-lieu``) and closest-name suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata


def slugify(name: str) -> str:
    """ASCII slug of a Vietnamese name: ``"Bạc Liêu"`` → ``"bac-lieu"``."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d").replace("\u00d0", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def closest(value: str, choices: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` choices closest to ``value`` (compared as slugs)."""
    by_slug = {slugify(c): c for c in choices}
    hits = difflib.get_close_matches(slugify(value), list(by_slug), n=n, cutoff=0.5)
    return [by_slug[h] for h in hits]
