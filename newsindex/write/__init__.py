"""Writing an index: from the articles ``ingest`` reads to committed Whoosh segments.

``batch`` plans each file and writes its articles in committed batches, with
``prepare`` doing the per-file work in worker processes; ``segments`` and
``merging`` write and merge the segments; ``manifest`` records what was
indexed from where; ``minhash`` and ``neardup`` find near-identical copies;
``maintenance`` checks and rebuilds. Internal: the API is ``newsindex.NewsIndex``.
"""
