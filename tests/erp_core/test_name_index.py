"""Fuzzy search over many names finds typos and ranks by how much of the query a name covers."""

from __future__ import annotations

from erp_core.name_index import NameIndex, closeness
from erp_core.search_keys import search_key

WORDS = ["premium", "gold", "classic", "fresh", "royal"]
NOUNS = ["chawal", "atta", "dal", "cheeni", "tel", "namak", "biscuit", "sabun"]


def _catalog() -> list[str]:
    return [search_key(f"{WORDS[i % 5]} {NOUNS[(i // 5) % 8]} {i}") for i in range(20_000)]


def test_a_typo_in_one_word_still_finds_the_name_among_thousands():
    keys = _catalog()
    index = NameIndex(keys)
    target = keys.index(search_key("royal sabun 4919"))
    hits = index.search(search_key("rojal saabun 4919"), 70)
    assert hits[0][0] == target


def test_names_covering_more_of_the_query_rank_first():
    keys = [search_key(n) for n in ("Maggi", "Maggi Noodles 70g", "Maggi Noodles 280g Family Pack")]
    hits = NameIndex(keys).search(search_key("maggi 280"), 70)
    assert hits[0][0] == 2
    assert closeness(search_key("maggi 280"), keys[0]) < hits[0][1]


def test_unrelated_names_are_not_offered():
    assert NameIndex(_catalog()).search(search_key("pista"), 70) == []
