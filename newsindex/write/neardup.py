"""Near-duplicate detection: the same wire story, lightly edited, under many outlets.

Articles whose estimated Jaccard similarity (minhash.py) reaches
``THRESHOLD`` share a cluster. Candidates are found through the LSH bands
kept in the manifest's SQLite tables and among the batch not yet committed,
then checked against the full signature.

A new headline and credit, reordered paragraphs or an added paragraph keep a
copy well above the threshold, and distinct articles on the same beat stay
far below it; a copy cut by more than about a quarter falls below it and is
not clustered (benchmarks/RESULTS.md has the measurements).
"""

from __future__ import annotations

from .manifest import Manifest, Signature
from .minhash import bands, similarity

THRESHOLD = 0.7


class Clusterer:
    """Assigns each article written in a batch to a cluster of near-identical copies.

    Looks among the committed articles (through the manifest's LSH bands) and
    among the articles of the batch not yet committed, whose bands it keeps
    as one dictionary entry each: a set for each band would be the largest
    part of a batch's memory.
    """

    def __init__(self, manifest: Manifest | None) -> None:
        self.manifest = manifest
        self.reset()

    def reset(self) -> None:
        self.pending: dict[str, Signature] = {}
        self._first: dict[int, str] = {}  # band key -> the first pending article with it
        self._others: dict[int, list[str]] = {}  # band key -> the next ones, for the few keys shared
        self.removed: set[str] = set()

    def assign(self, article_id: str, own_label: str, sig: bytes) -> str:
        """The cluster of the article: a near copy's, or ``own_label`` if it has none."""
        keys = bands(sig)
        candidates: dict[str, Signature] = {}
        if self.manifest is not None:
            for found in self.manifest.near(keys):
                if found.id != article_id and found.id not in self.removed:
                    candidates[found.id] = found
        for key in keys:
            first = self._first.get(key)
            if first is not None:
                for other in (first, *self._others.get(key, ())):
                    if other != article_id:
                        candidates[other] = self.pending[other]
        scored = sorted(((similarity(c.sig, sig), c.id, c) for c in candidates.values()), reverse=True)
        cluster = scored[0][2].cluster if scored and scored[0][0] >= THRESHOLD else own_label
        self._unpend(article_id)  # assigned again in the same batch: the last one counts
        self.pending[article_id] = Signature(article_id, cluster, sig)
        for key in keys:
            if self._first.setdefault(key, article_id) is not article_id:
                self._others.setdefault(key, []).append(article_id)
        return cluster

    def remove(self, article_id: str) -> None:
        self.removed.add(article_id)
        self._unpend(article_id)

    def _unpend(self, article_id: str) -> None:
        gone = self.pending.pop(article_id, None)
        if gone is None:
            return
        for key in bands(gone.sig):
            others = self._others.get(key, [])
            if self._first.get(key) == article_id:
                if others:
                    self._first[key] = others.pop(0)
                else:
                    del self._first[key]
            elif article_id in others:
                others.remove(article_id)
            if key in self._others and not others:
                del self._others[key]
