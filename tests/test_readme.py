"""The README's Python example runs as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT, SEEDS


def test_readme_python_example_runs(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    counts = "{'added': 2, 'updated': 0, 'unchanged': 0, 'duplicate': 0, 'skipped': 0, 'skipped_earlier': 0"
    assert counts in result.stdout
    assert "['Dnipro']" in result.stdout and "['bridges']" in result.stdout


def test_readme_opens_with_the_two_setup_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any("newsindex add seeds/" in line and 'newsindex search "Dnipro bridge"' in line for line in lines)
    assert any('".[test]"' in line and "pytest" in line for line in lines)


def _use_table() -> list[tuple[str, str]]:
    """The (command line, Python) pairs of the README's "Use it" table, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Use it", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `(newsindex [^`]*)` \| `([^`]*)` \|$", table, re.M)
    assert len(rows) >= 8, "the README's Use it table was not found"
    return rows


def _run(command: str, cwd: Path) -> tuple[int, str]:
    """Run a documented command line; `serve`, which runs until stopped,
    succeeds when it says where it serves and is still running."""
    args = [sys.executable, "-m", "newsindex", *shlex.split(command)[1:]]
    if shlex.split(command)[1] != "serve":
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        return done.returncode, done.stderr
    server = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = server.stdout.readline()
        time.sleep(0.5)  # long enough for a port already taken to end it
        return (0 if "serving" in said and server.poll() is None else 1), said
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_readme_command_line_examples_run_as_written_on_the_seeds(tmp_path: Path):
    """Each example of the table, run in order from a checkout's root (seeds/, examples/), succeeds."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for command, _ in _use_table():
        code, stderr = _run(command, tmp_path)
        assert code == 0, f"{command}: exit {code}: {stderr}"


def test_readme_python_examples_run_as_written_on_the_seeds(tmp_path: Path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    calls = "\n".join(f"    print({python})" for _, python in _use_table())
    script = f"import newsindex.web\nfrom newsindex import NewsIndex\nwith NewsIndex('index') as ni:\n{calls}\n"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _help_examples() -> list[str]:
    """Every example line of every command's --help."""
    from click.testing import CliRunner

    from newsindex.cli import cli

    runner = CliRunner()
    examples = []
    for name in ["", *sorted(cli.commands)]:
        text = runner.invoke(cli, [*([name] if name else []), "--help"]).output
        examples += [line.strip() for line in text.split("Example:", 1)[-1].splitlines()
                     if line.strip().startswith("newsindex ")]
    return examples


def test_every_help_example_runs_as_written_after_the_first_readme_command(tmp_path: Path):
    """From a checkout's root (seeds/, examples/) after `newsindex add seeds/`,
    each example of each command's --help succeeds, on an index of its own."""
    examples = _help_examples()
    assert len(examples) >= 15
    for k, example in enumerate(examples):
        work = tmp_path / str(k)
        shutil.copytree(SEEDS, work / "seeds")
        shutil.copytree(ROOT / "examples", work / "examples")
        setup = subprocess.run([sys.executable, "-m", "newsindex", "add", "seeds/"], cwd=work, capture_output=True)
        assert setup.returncode == 0, setup.stderr
        code, stderr = _run(example, work)
        assert code == 0, f"{example}: exit {code}: {stderr}"
