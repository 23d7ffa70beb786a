"""A fresh machine and CI get the packages `make test` last passed with: every one is pinned to a version."""

import re
import tomllib

from contract_monitor import settings

EXACT = re.compile(r"^[A-Za-z0-9._-]+==[0-9][0-9A-Za-z.]*$")


def _requirements() -> list[str]:
    project = tomllib.loads((settings.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]


def test_every_package_the_app_and_its_tests_install_is_pinned_to_one_version():
    loose = [r for r in _requirements() if not EXACT.match(r)]
    assert not loose, f"pin these to the version `make test` passed with (name==version): {loose}"


def test_the_pin_check_tells_a_range_from_a_pin():
    assert EXACT.match("pandas==3.1.1")
    assert not EXACT.match("pandas>=2.2")
    assert not EXACT.match("ruff>=0.6,<1")
    assert not EXACT.match("streamlit")
