"""Write the small index that tests/test_old_index.py opens: run once per release.

    python -m tests.data.make_index 0.2.0

It indexes the seed articles, then the test archive (tests/archive.py) in three
separate adds, and removes one article, so that the index has several
segments, one with a deleted document, and a manifest. The folder it writes,
``tests/data/index-VERSION``, is checked in as that release wrote it and never
rewritten: it is what a user's old index looks like to a newer newsindex.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from newsindex import NewsIndex

from ..archive import write_archive

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[1] / "seeds"


def main(version: str) -> None:
    target = HERE / f"index-{version}"
    if target.exists():
        raise SystemExit(f"{target} exists: an old release's index is never rewritten")
    with tempfile.TemporaryDirectory() as tmp:
        archive = write_archive(Path(tmp) / "archive")
        index = Path(tmp) / "index"
        with NewsIndex(index) as ni:
            ni.add([str(SEEDS)])
            files = sorted(archive.glob("*.txt"))
            for part in (files[:3], files[3:5], files[5:]):
                ni.add([str(f) for f in part] + [str(f.with_suffix(".meta.json")) for f in part
                                                 if f.with_suffix(".meta.json").exists()])
            ni.remove([str(archive / "a6.txt")])
        shutil.copytree(index, target, ignore=shutil.ignore_patterns("*.lock", "*WRITELOCK"))
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1])
