"""Split names joined back together, and names inside rule-owned words dropped (bot/rasa/nlu/spans.py)."""

from bot.rasa.nlu.extract import extract
from bot.rasa.nlu.spans import drop_fillers, drop_names_inside_words, join_split_names


def entity(kind: str, text: str, word: str, value: str | None = None) -> dict:
    start = text.index(word)
    return {"entity": kind, "start": start, "end": start + len(word), "value": value or word, "extractor": "NameEntityExtractor"}


def test_neighbouring_words_of_one_name_become_one_entity_valued_as_written():
    text = "Mr  Verma paid 150"
    found = join_split_names(text, [entity("customer", text, "Mr"), entity("customer", text, "Verma"),
                                    entity("amount", text, "150")])
    assert [(e["entity"], e["value"], e["start"], e["end"]) for e in found] == [
        ("customer", "Mr  Verma", 0, 9), ("amount", "150", 15, 18)]
    assert found[0]["extractor"] == "NameEntityExtractor"


def test_names_apart_or_of_different_types_stay_apart():
    text = "Sharma ji aur Gupta ji ko chawal daal bhejo"
    entities = [entity("customer", text, "Sharma ji"), entity("customer", text, "Gupta ji"),
                entity("product", text, "chawal", "rice"), entity("product", text, "daal")]
    joined = join_split_names(text, entities)
    assert joined == entities
    quantities = [entity("quantity", "5 10", "5"), {**entity("quantity", "5 10", "10")}]
    assert join_split_names("5 10", quantities) == quantities
    text = "Verma Traders se Verma ji ko"
    apart = [entity("supplier", text, "Verma Traders"), entity("customer", text, "Verma ji")]
    assert join_split_names(text, apart) == apart


def test_a_word_of_address_tagged_after_a_name_belongs_to_the_name():
    text = "send 4 packets of parle g to Iyer Madam"
    found = join_split_names(text, [entity("product", text, "parle g"), entity("customer", text, "Iyer"),
                                    entity("product", text, "Madam")])
    assert [(e["entity"], e["value"]) for e in found] == [("product", "parle g"), ("customer", "Iyer Madam")]
    text = "Gupta Sir ko 2 kilo cheeni"
    found = join_split_names(text, [entity("customer", text, "Gupta"), entity("customer", text, "Sir")])
    assert [(e["entity"], e["value"]) for e in found] == [("customer", "Gupta Sir")]
    text = "Madam ko 2 kilo cheeni aur chawal"
    alone = [entity("product", text, "cheeni"), entity("product", text, "chawal")]
    assert join_split_names(text, alone) == alone


def rule_owned(text: str, intent: str) -> list[dict]:
    return [{"entity": e.entity, "start": e.start, "end": e.end, "value": e.value} for e in extract(text, intent)]


def test_a_name_inside_a_period_or_a_reason_is_dropped_and_real_names_stay():
    text = "aaj 4 packet parle g kharab ho gaye"
    diet = [entity("product", text, "aaj", "today"), entity("product", text, "parle g"),
            entity("product", text, "kharab")]
    kept = drop_names_inside_words(diet, rule_owned(text, "write_off"))
    assert [e["value"] for e in kept] == ["parle g"]


def test_names_beside_numbers_and_units_are_kept():
    text = "Sharma ji ko 2 kilo chawal udhaar pe diya"
    diet = [entity("customer", text, "Sharma ji"), entity("product", text, "chawal")]
    assert drop_names_inside_words(diet, rule_owned(text, "record_sale")) == diet


def test_a_word_of_address_or_a_filler_is_never_a_product_or_a_customer():
    text = "हजुर, २ प्याकेट म्यागी पनि बिग्रियो"
    tagged = [entity("product", text, "हजुर"), entity("product", text, "म्यागी"), entity("product", text, "पनि"),
              entity("customer", "Ram ji ko", "Ram ji")]
    assert [e["value"] for e in drop_fillers(tagged)] == ["म्यागी", "Ram ji"]


def test_a_word_of_sending_tagged_as_a_product_is_dropped():
    text = "गुप्ता जी लाई ३ किलो दाल पठाइदिनुस्"
    tagged = [entity("product", text, "दाल"), entity("product", text, "पठाइदिनुस्"),
              entity("product", "chawal bhej do", "bhej do"), entity("customer", text, "गुप्ता जी")]
    assert [e["value"] for e in drop_fillers(tagged)] == ["दाल", "गुप्ता जी"]
