"""Names that DIET tagged word by word ("Mr" and "Verma"), joined back into the one name the user wrote.

Only names of people and firms: two products side by side ("chawal daal bhejo") are two products."""

from __future__ import annotations

from typing import Any

NAME_TYPES = frozenset({"customer", "supplier"})


def join_split_names(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` (sorted by start) with neighbouring entities of one name type, separated only by spaces, joined
    into one whose value is the text as written; every other entity is kept as it is."""
    joined: list[dict[str, Any]] = []
    for entity in entities:
        previous = joined[-1] if joined else None
        if (previous is not None and entity["entity"] in NAME_TYPES and previous["entity"] == entity["entity"]
                and previous["end"] <= entity["start"] and not text[previous["end"]:entity["start"]].strip()):
            joined[-1] = {**previous, "end": entity["end"], "value": text[previous["start"]:entity["end"]]}
        else:
            joined.append(entity)
    return joined
