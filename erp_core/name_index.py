"""Fuzzy search over many short names (product aliases): fast candidates, careful ranking.

Candidates come from two cheap passes: names sharing a word with the query
(each query word matched fuzzily against the vocabulary, so one typo still
finds its word), and names whose whole spelling is close. Only those few are
ranked by `closeness`, so a lookup stays fast with tens of thousands of names.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rapidfuzz import fuzz, process

WORD_CUTOFF = 70.0
CANDIDATES = 40


def closeness(query_key: str, name_key: str) -> float:
    """How well a name matches a query, 0-100.

    The better of whole-string similarity and query coverage: how well each
    word of the query is found among the name's words, so "maggi 280" is
    closer to "maggi noodles 280 g" than to plain "maggi". Word order counts
    a little, to rank names that cover the query equally.
    """
    if query_key == name_key:
        return 100.0
    name_words = name_key.split()
    query_words = query_key.split()
    if not name_words or not query_words:
        return 0.0
    coverage = sum(max(fuzz.ratio(q, n) for n in name_words) for q in query_words) / len(query_words)
    return max(fuzz.ratio(query_key, name_key), 0.9 * coverage + 0.1 * fuzz.token_sort_ratio(query_key, name_key))


class NameIndex:
    """Search keys (see `erp_core.search_keys`) indexed by position and by word."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        postings: dict[str, list[int]] = defaultdict(list)
        for position, key in enumerate(keys):
            for word in set(key.split()):
                postings[word].append(position)
        self._postings = dict(postings)
        self._vocabulary = list(postings)

    def _candidates(self, query_key: str) -> list[int]:
        shared = Counter[int]()
        for word in set(query_key.split()):
            for similar, _, _ in process.extract(word, self._vocabulary, scorer=fuzz.ratio, limit=5,
                                                 score_cutoff=WORD_CUTOFF):
                shared.update(self._postings[similar])
        positions = [position for position, _ in shared.most_common(CANDIDATES)]
        positions += [p for _, _, p in process.extract(query_key, self.keys, scorer=fuzz.ratio, limit=CANDIDATES // 4)]
        return list(dict.fromkeys(positions))

    def search(self, query_key: str, cutoff: float) -> list[tuple[int, float]]:
        """(position, score) of the names at least `cutoff` close to `query_key`, best first."""
        scored = ((p, closeness(query_key, self.keys[p])) for p in self._candidates(query_key))
        return sorted(((p, s) for p, s in scored if s >= cutoff), key=lambda hit: -hit[1])
