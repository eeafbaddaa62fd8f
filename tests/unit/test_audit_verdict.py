"""scripts/audit never passes a check that checked nothing."""
from __future__ import annotations

from scripts.audit_verdict import verdict

CLEAN = {"name": "sanic", "version": "21.12.2", "vulns": []}
SKIPPED = {"name": "rasa", "version": "3.6.21", "skip_reason": "Dependency not found on PyPI and could not be audited"}
VULNERABLE = {"name": "example", "version": "1.0", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["1.1"]}]}


def test_every_package_checked_and_clean_passes(capsys):
    assert verdict({"dependencies": [CLEAN]}) == 0
    assert "no known vulnerabilities" in capsys.readouterr().out


def test_a_package_that_could_not_be_checked_is_not_a_pass(capsys):
    assert verdict({"dependencies": [CLEAN, SKIPPED]}) == 2
    assert verdict({}) == 2
    assert "This is not a pass" in capsys.readouterr().out


def test_a_known_vulnerability_fails_and_names_the_fix(capsys):
    assert verdict({"dependencies": [CLEAN, VULNERABLE, SKIPPED]}) == 1
    assert "PYSEC-0000-1 (fixed in: 1.1)" in capsys.readouterr().out
