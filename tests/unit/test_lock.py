"""uv.lock pins every Python dependency with hashes, and agrees with pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "bin" / "uv"


def _lock() -> dict[str, Any]:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _declared() -> set[tuple[str, str, str, str]]:
    """pyproject's requirements as (name, extras, specifier, marker), as uv records them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set()
    lines = [(line, None) for line in project["dependencies"]]
    for extra, extra_lines in project.get("optional-dependencies", {}).items():
        lines += [(line, extra) for line in extra_lines]
    for line, extra in lines:
        req = Requirement(line)
        marker = f"extra == '{extra}'" if extra else ""
        declared.add((_name(req.name), ",".join(sorted(req.extras)), str(req.specifier), marker))
    return declared


def _name(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _locked_requirements() -> set[tuple[str, str, str, str]]:
    [project] = [p for p in _lock()["package"] if p["name"] == "librarian"]
    return {
        (
            _name(r["name"]),
            ",".join(sorted(r.get("extras", []))),
            str(Requirement(f"x{r.get('specifier', '')}").specifier),
            r.get("marker", ""),
        )
        for r in project["metadata"]["requires-dist"]
    }


def test_the_lock_records_what_pyproject_declares() -> None:
    declared, locked = _declared(), _locked_requirements()
    assert declared - locked == set(), "in pyproject.toml, not in uv.lock: run `make lock`"
    assert locked - declared == set(), "in uv.lock, not in pyproject.toml: run `make lock`"


def test_every_locked_package_is_pinned_to_one_version_with_hashes() -> None:
    for package in _lock()["package"]:
        if package["source"].get("editable") == ".":
            continue  # Librarian itself
        assert package.get("version"), package["name"]
        artefacts = [*package.get("wheels", []), package.get("sdist", {})]
        hashes = [a["hash"] for a in artefacts if a.get("hash")]
        assert hashes, f"{package['name']} has no hash in uv.lock"
        assert all(h.startswith("sha256:") for h in hashes), package["name"]


def test_the_lock_pins_the_build_backend() -> None:
    constraints = _lock()["manifest"]["build-constraints"]
    assert [c["name"] for c in constraints] == ["setuptools"]
    assert constraints[0]["specifier"].startswith("==")


@pytest.fixture
def uv() -> Path:
    if not UV.exists():
        pytest.fail(f"{UV} is missing: `make test` installs it (runtime/uv-requirements.txt)")
    return UV


def _check(uv: Path, project: Path) -> subprocess.CompletedProcess[str]:
    # --offline: the check reads uv.lock and pyproject.toml only; nothing leaves the machine.
    return subprocess.run(
        [str(uv), "lock", "--check", "--offline", "--python", "python3"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_uv_finds_the_lock_up_to_date(uv: Path) -> None:
    result = _check(uv, ROOT)
    assert result.returncode == 0, result.stderr


def test_uv_refuses_a_lock_that_pyproject_has_moved_past(uv: Path, tmp_path: Path) -> None:
    shutil.copy(ROOT / "uv.lock", tmp_path / "uv.lock")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    moved = pyproject.replace('"cachetools>=5.3"', '"cachetools>=5.4"')
    assert moved != pyproject
    (tmp_path / "pyproject.toml").write_text(moved, encoding="utf-8")
    (tmp_path / "README.md").write_text("x\n", encoding="utf-8")

    result = _check(uv, tmp_path)

    assert result.returncode != 0
    assert "needs to be updated" in result.stderr
    assert "cachetools>=5.4" in result.stderr
