"""The Rasa 3.6 components around `bot.rasa.nlu`: thin wrappers, registered for config.yml.

- `NormalisingTokenizer` (first in the pipeline): tokens whose text is the
  normal form of the word (`bot.rasa.nlu.normalise`), while start/end stay offsets
  into the text as typed, so the name tagger's spans and values are the user's own.
- `ShopFallbackClassifier` (last): Rasa's FallbackClassifier, but a shop intent must
  lead the two not-shop intents (`nlu_fallback` and `out_of_scope`, which the
  perceptron learns apart) taken together by the ambiguity threshold.
- `HisaabEntityExtractor` (after the intent classifier and the name tagger): adds
  the rule-owned entity types from `bot.rasa.nlu.extract`, decided by the intent,
  and joins names the tagger split word by word (`bot.rasa.nlu.spans`).

Only the Rasa environment (Python 3.10) imports this module.
"""

from __future__ import annotations

import string
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.fallback_classifier import AMBIGUITY_THRESHOLD_KEY, FallbackClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.extract import ENTITY_TYPES, extract
from bot.rasa.nlu.normalise import words
from bot.rasa.nlu.romanise import romanise
from bot.rasa.nlu.spans import drop_fillers, drop_names_inside_words, join_split_names

_PUNCTUATION = frozenset(string.punctuation) - set("#%&@?")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalisingTokenizer(Tokenizer):
    """Words, numbers and meaningful symbols ("₹", "#"), each token carrying its normal form."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # romanise: each token's lemma is its Roman spelling (`bot.rasa.nlu.romanise`), so the CountVectorsFeaturizers
        # (which count lemmas) see "चावल" and "chawal" alike; the token text stays Devanagari.
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None,
                "prefix_separator_symbol": None, "romanise": False}

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        lemma = romanise if self._config["romanise"] else str
        tokens = [Token(w.key, w.start, w.end, lemma=lemma(w.key)) for w in words(text) if w.key not in _PUNCTUATION]
        return self._apply_token_pattern(tokens or [Token(text, 0)])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class HisaabEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Amounts, quantities, units, order ids, periods, payment modes and expense categories by rule."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> HisaabEntityExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            kept = [e for e in message.get(ENTITIES, []) if e[ENTITY_ATTRIBUTE_TYPE] not in ENTITY_TYPES]
            ours = [
                {ENTITY_ATTRIBUTE_TYPE: e.entity, ENTITY_ATTRIBUTE_START: e.start, ENTITY_ATTRIBUTE_END: e.end,
                 ENTITY_ATTRIBUTE_VALUE: e.value}
                for e in extract(message.get(TEXT) or "", intent)
            ]
            kept = drop_fillers(drop_names_inside_words(kept, ours))
            entities = sorted(kept + self.add_extractor_name(ours), key=lambda e: e[ENTITY_ATTRIBUTE_START])
            entities = join_split_names(message.get(TEXT) or "", entities)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


NOT_SHOP = frozenset({"nlu_fallback", "out_of_scope"})
"""The intents that mean "not shop business"; the training data teaches both."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ShopFallbackClassifier(FallbackClassifier):
    """`nlu_fallback` also when a shop intent does not lead `nlu_fallback` and `out_of_scope` together by the
    ambiguity threshold: "लता मंगेशकर के गाने बजाओ" read as reorder_suggestions 0.44 against 0.32 + 0.12."""

    def _nlu_prediction_ambiguous(self, message: Message) -> tuple[bool, float | None]:
        ambiguous, difference = super()._nlu_prediction_ambiguous(message)
        ranking = message.get(INTENT_RANKING_KEY) or []
        if ambiguous or not ranking or ranking[0].get(INTENT_NAME_KEY) in NOT_SHOP:
            return ambiguous, difference
        not_shop = sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in ranking if r.get(INTENT_NAME_KEY) in NOT_SHOP)
        lead = ranking[0].get(PREDICTED_CONFIDENCE_KEY, 1.0) - not_shop
        return lead < self.component_config[AMBIGUITY_THRESHOLD_KEY], min(lead, difference or lead)
