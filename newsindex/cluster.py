"""A Dask cluster to run an add's reading and a sharded index's searching on.

``local:N`` starts a cluster of N worker processes on this machine, for as
long as the NewsIndex that asked for it is open; ``tcp://host:port`` joins a
running one (its workers must see the index folder and the files added at
the same paths: a shared disk). docs/cluster.md tells why Dask, not Ray.

Dask (``pip install 'newsindex[cluster]'``) is imported only here, and only
when a cluster is asked for: the single-machine default starts no service
and loads none of it.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from .errors import InvalidValueError, NewsIndexError

_LOCAL = re.compile(r"local:([1-9][0-9]?)")
_LOCK = threading.Lock()


def check_address(address: str) -> str:
    """``address`` if it names a cluster newsindex can use; else the one-line error."""
    if not (_LOCAL.fullmatch(address) or re.fullmatch(r"tcp://[^\s/:]+:[0-9]{1,5}", address)):
        raise InvalidValueError(
            "command line", "cluster", f"{address!r} is neither local:N (N workers here) nor tcp://HOST:PORT"
        )
    return address


#: The clients of this process, by address, with how many NewsIndex objects use
#: each: the web app's several index objects share one cluster (and one
#: local cluster, not one each).
_CLIENTS: dict[str, list[Any]] = {}


def connect(address: str) -> Any:
    """A Dask ``Client`` of the cluster at ``address``, shared in this process
    until each that asked for it has called :func:`close`."""
    check_address(address)
    with _LOCK:
        shared = _CLIENTS.get(address)
        if shared is None:
            shared = _CLIENTS[address] = [_connect(address), 0]
        shared[1] += 1
        return shared[0]


def _connect(address: str) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise NewsIndexError(
            "--cluster needs Dask: pip install 'newsindex[cluster]' (dask[distributed])"
        ) from None
    local = _LOCAL.fullmatch(address)
    try:
        if local:
            # Processes, one thread each: extraction and Whoosh are Python
            # code, which threads of one process would run one at a time.
            cluster = LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            return Client(cluster, set_as_default=False)
        return Client(address, timeout="10s", set_as_default=False)
    except OSError as exc:
        raise NewsIndexError(f"cannot reach the Dask cluster at {address}: {exc}") from None


def start_actor(client: Any, number: int, cls: type, *args: Any) -> Any:
    """A Dask actor ``cls(*args)`` for shard ``number``: the shards go round
    the workers, so that each holds its share, and to a worker still up
    when that one is gone."""
    workers = sorted(client.scheduler_info()["workers"])
    placed = [workers[number % len(workers)]] if workers else None
    with client.as_current():  # the actor's handle calls through this client, not a default one
        future = client.submit(cls, *args, actor=True, workers=placed, allow_other_workers=True, pure=False)
        return future.result()


def close(address: str) -> None:
    """Leave the cluster, once the last user of this process's client has; a
    local cluster ends with its client."""
    with _LOCK:
        shared = _CLIENTS[address]
        shared[1] -= 1
        if shared[1]:
            return
        del _CLIENTS[address]
    client = shared[0]
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()
