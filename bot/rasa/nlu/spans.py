"""Tidying the name tagger's names with what the rules read.

Names that the tagger tagged word by word ("Mr" and "Verma") are joined back into the one name the user wrote (only
names of people and firms: two products side by side, "chawal daal bhejo", are two products). A name inside a
word the rules own ("aaj", "kharab", "udhaar") is dropped: a period or a reason is never a product."""

from __future__ import annotations

from typing import Any

NAME_TYPES = frozenset({"customer", "supplier"})
WORD_TYPES = frozenset({"period", "payment_mode", "write_off_reason", "order_step", "setting", "reply_language",
                        "expense_category"})
"""Rule-owned entities read from words, not numbers: no product, customer or supplier name lies inside one."""


FILLER_WORDS = frozenset("""हजुर hajur ji जी bhai भाई sir please pls plz dai दाइ didi दिदी pani पनि bhi भी
ok okay""".split())
"""Words of address and fillers ("हजुर, २ प्याकेट म्यागी बिग्रियो") that the tagger may tag, never a name alone."""
SENDING_WORDS = frozenset("""bhejo bhejdo bhejna bhejdena send pathau pathaunu pathaidinus pathaidew भेजो भेजदो भेजना
भिजवादो पठाउ पठाउनु पठाउनुस् पठाइदिनु पठाइदिनुस् पठाइदेउ""".split())
"""Words of asking for goods ("... दाल पठाइदिनुस्", spaces left out) that the tagger may tag: never a product."""


def _word(value: object) -> str:
    return "".join(str(value).lower().split())


def drop_fillers(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` without a product, customer or supplier that is only a word of address or a filler, and without
    a product that is only a word of sending.

    >>> drop_fillers([{"entity": "product", "start": 0, "end": 4, "value": "हजुर"},
    ...               {"entity": "product", "start": 17, "end": 23, "value": "म्यागी"}])
    [{'entity': 'product', 'start': 17, 'end': 23, 'value': 'म्यागी'}]
    """
    return [e for e in entities
            if not (e["entity"] in NAME_TYPES | {"product"} and str(e["value"]).strip().lower() in FILLER_WORDS)
            and not (e["entity"] == "product" and _word(e["value"]) in SENDING_WORDS)]


def drop_names_inside_words(entities: list[dict[str, Any]], rule_owned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` (the tagger's) without those lying wholly inside a rule-owned word entity (`WORD_TYPES`).

    >>> drop_names_inside_words([{"entity": "product", "start": 0, "end": 3, "value": "today"}],
    ...                         [{"entity": "period", "start": 0, "end": 3, "value": "today"}])
    []
    """
    spans = [(e["start"], e["end"]) for e in rule_owned if e["entity"] in WORD_TYPES]
    return [e for e in entities if not any(start <= e["start"] and e["end"] <= end for start, end in spans)]


TITLES = frozenset("""madam madamji मैडम मेडम sir सर saab sahab साहब साब seth सेठ bhaiya भैया didi दीदी दिदी
aunty uncle""".split())
"""Words of address that end a person's name ("Iyer Madam", "Gupta Sir"): the tagger may tag them apart."""


def join_split_names(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` (sorted by start) with neighbouring entities of one name type, separated only by spaces, joined
    into one whose value is the text as written; a word of address (`TITLES`) tagged as anything right after a
    name joins that name ("Iyer" + product "Madam" is "Iyer Madam"); every other entity is kept as it is.

    >>> join_split_names("send 4 parle g to Iyer Madam", [{"entity": "customer", "start": 18, "end": 22,
    ...     "value": "Iyer"}, {"entity": "product", "start": 23, "end": 28, "value": "Madam"}])
    [{'entity': 'customer', 'start': 18, 'end': 28, 'value': 'Iyer Madam'}]
    """
    joined: list[dict[str, Any]] = []
    for entity in entities:
        previous = joined[-1] if joined else None
        same_name = previous is not None and entity["entity"] in NAME_TYPES and previous["entity"] == entity["entity"]
        title = (previous is not None and previous["entity"] in NAME_TYPES
                 and entity["entity"] in NAME_TYPES | {"product"} and str(entity["value"]).strip().lower() in TITLES)
        if ((same_name or title) and previous["end"] <= entity["start"]
                and not text[previous["end"]:entity["start"]].strip()):
            joined[-1] = {**previous, "end": entity["end"], "value": text[previous["start"]:entity["end"]]}
        else:
            joined.append(entity)
    return joined
