"""Reads pip-audit's JSON report and says plainly what it means (scripts/audit).

pip-audit reports "No known vulnerabilities found" and exits 0 even when it could not
check a single package (no network: every one "not found on PyPI"). Here a package
that was skipped makes the audit fail with exit 2, never pass.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def verdict(report: dict) -> int:
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixes})")
    if vulnerable:
        print(f"{len(vulnerable)} package(s) with known vulnerabilities.")
        return 1
    if not dependencies or skipped:
        print(f"NOT CHECKED: {len(skipped) or 'all'} of {len(dependencies)} package(s) could not be audited "
              "(no vulnerability database could be reached, or the packages were not found). "
              "This is not a pass: run scripts/audit where PyPI's vulnerability data or OSV can be reached.")
        return 2
    print(f"Audited {len(dependencies)} pinned packages: no known vulnerabilities.")
    return 0


def main(path: str) -> int:
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        report = {}
    return verdict(report)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
