"""Writing a sharded index: the add's one Batch, its articles routed to their shards.

An add over N shards runs as an add over one index does: the same planning,
duplicate detection and near-duplicate clustering, through a manifest and a
writer that each stand for all the shards. :class:`ShardedManifest` answers
every lookup from all the shards' manifests (an article's copy in another
shard is still its copy, a text indexed in another shard still a duplicate)
and records each article in the manifest of its shard;
:class:`ShardedWriter` sends each document to its shard's writer and commits
them one after the other.

A crash between two shards' commits leaves the shards committed so far with
their batch and a manifest lagging their index, which the next add rebuilds
from the stored fields (as after a crash of an index of one shard): the
re-run finds those articles unchanged and writes the others. Nothing is
indexed twice, because an article can only ever be in the shard of its id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from typing import Any

from ..documents import path_id
from ..sharding import Layout
from .manifest import Entry, Manifest, Signature
from .sources import article_id_of


class ShardedWriter:
    """One writer per shard, used as the Batch uses one index's writer."""

    def __init__(self, layout: Layout, writers: list[Any]) -> None:
        self.layout = layout
        self.writers = writers
        #: Called once every shard has committed (the Batch records its manifest then).
        self.alongside: Callable[[], None] | None = None

    def _of(self, article_id: str) -> Any:
        return self.writers[self.layout.shard_of(article_id)]

    def add_document(self, **fields: Any) -> None:
        self._of(fields["id"]).add_document(**fields)

    def update_document(self, **fields: Any) -> None:
        self._of(fields["id"]).update_document(**fields)

    def delete_by_term(self, fieldname: str, text: str) -> None:
        assert fieldname == "id", "a sharded index deletes by article id"
        self._of(text).delete_by_term(fieldname, text)

    @property
    def postings(self) -> int:
        return sum(writer.postings for writer in self.writers)

    @property
    def generation(self) -> tuple[int, ...]:
        return tuple(writer.generation for writer in self.writers)

    def new_segment_ids(self) -> set[str]:
        return set().union(*(writer.new_segment_ids() for writer in self.writers))

    def commit(self, **options: Any) -> None:
        """Commit each shard in turn (with Whoosh's commit ``options``: the merge
        policy); a failure cancels the shards not yet committed."""
        for number, writer in enumerate(self.writers):
            try:
                writer.commit(**options)
            except BaseException:
                for later in self.writers[number + 1 :]:
                    with suppress(Exception):  # the error on its way up is the one to tell
                        later.cancel()
                raise
        if self.alongside is not None:
            self.alongside()

    def cancel(self) -> None:
        for writer in self.writers:
            with suppress(Exception):  # as storage.cancel_quietly: cancel every shard's
                writer.cancel()


class ShardedManifest:
    """The manifests of every shard, read as one and written each with its own articles."""

    def __init__(self, layout: Layout, manifests: list[Manifest]) -> None:
        self.layout = layout
        self.manifests = manifests

    def _of_id(self, article_id: str) -> Manifest:
        return self.manifests[self.layout.shard_of(article_id)]

    def _of_path(self, path: str) -> Manifest:
        """Where what belongs to a whole file (what its read skipped) is kept."""
        return self._of_id(path_id(path))

    def close(self) -> None:
        for manifest in self.manifests:
            manifest.close()

    def get(self, path: str, record: str = "") -> Entry | None:
        return self._of_id(article_id_of(path, record)).get(path, record)

    def of_file(self, path: str) -> list[Entry]:
        return [entry for manifest in self.manifests for entry in manifest.of_file(path)]

    def container(self, path: str) -> str | None:
        """The fingerprint every shard recorded for the file of records, if they agree."""
        found = {manifest.container(path) for manifest in self.manifests}
        return found.pop() if len(found) == 1 else None

    def skipped(self, path: str, fingerprint: str) -> list[tuple[str, str]] | None:
        return self._of_path(path).skipped(path, fingerprint)

    def by_hash(self, content_hash: str) -> Entry | None:
        return next(filter(None, (manifest.by_hash(content_hash) for manifest in self.manifests)), None)

    def by_id(self, article_id: str) -> Entry | None:
        return self._of_id(article_id).by_id(article_id)

    def under(self, folder: str) -> list[Entry]:
        found = [entry for manifest in self.manifests for entry in manifest.under(folder)]
        return sorted(found, key=lambda entry: (entry.path, entry.record))

    def entries(self) -> Iterator[Entry]:
        for manifest in self.manifests:
            yield from manifest.entries()

    def near(self, keys: Iterable[int]) -> list[Signature]:
        keys = list(keys)
        return [found for manifest in self.manifests for found in manifest.near(keys)]

    def record(
        self,
        upserts: Iterable[Entry],
        deleted: Iterable[tuple[str, str]],
        generation: tuple[int, ...],
        signatures: Iterable[Signature] = (),
        unsigned: Iterable[str] = (),
        containers: Mapping[str, str | None] | None = None,
        skips: Mapping[str, tuple[str, list[tuple[str, str]]]] | None = None,
    ) -> None:
        """:meth:`Manifest.record` for each shard, with its share of the batch:
        an article's entry and signature go to its shard; a file of records
        read whole is recorded in every shard (each holds some of its records,
        and it counts as unchanged only where all agree)."""
        count = self.layout.shards
        shares: list[dict[str, Any]] = [
            {"upserts": [], "deleted": [], "signatures": [], "unsigned": [], "skips": {}} for _ in range(count)
        ]
        for entry in upserts:
            shares[self.layout.shard_of(entry.id)]["upserts"].append(entry)
        for path, record in deleted:
            shares[self.layout.shard_of(article_id_of(path, record))]["deleted"].append((path, record))
        for signature in signatures:
            shares[self.layout.shard_of(signature.id)]["signatures"].append(signature)
        for article_id in unsigned:
            shares[self.layout.shard_of(article_id)]["unsigned"].append(article_id)
        for path, skipped in (skips or {}).items():
            shares[self.layout.shard_of(path_id(path))]["skips"][path] = skipped
        recorded: list[Manifest] = []
        try:
            for manifest, share, shard_generation in zip(self.manifests, shares, generation, strict=True):
                manifest.record(generation=shard_generation, containers=containers, **share)
                recorded.append(manifest)
        except BaseException:
            for manifest in recorded:
                manifest.rollback()
            raise

    def commit(self) -> None:
        for manifest in self.manifests:
            manifest.commit()

    def rollback(self) -> None:
        for manifest in self.manifests:
            manifest.rollback()

