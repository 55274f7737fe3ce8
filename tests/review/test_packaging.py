"""The review surface ships with a non-editable install: its package and every template and style sheet
are in pyproject's package lists (tests/test_install.py installs the project for real)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_review_package_data_is_declared():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "webapp.review" in config["packages"]
    patterns = config["package-data"]["webapp.review"]
    root = REPO / "webapp" / "review"
    data = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
            and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert any(d.endswith(".html") for d in data) and any(d.endswith(".css") for d in data)
    assert [d for d in data if not any(fnmatch(d, pattern) and d.count("/") == pattern.count("/")
                                       for pattern in patterns)] == []
