"""The README's Python example runs as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEEDS


def test_readme_python_example_runs(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "{'added': 2, 'updated': 0, 'unchanged': 0, 'duplicate': 0, 'skipped': 0}" in result.stdout
    assert "['Dnipro']" in result.stdout and "['bridges']" in result.stdout


def test_readme_opens_with_the_two_setup_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any("newsindex add seeds/" in line and 'newsindex search "Dnipro bridge"' in line for line in lines)
    assert any('".[test]"' in line and "pytest" in line for line in lines)
