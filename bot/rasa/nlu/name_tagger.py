"""`NameEntityExtractor`: config.yml's tagger of products, customers and suppliers.

A linear-chain CRF (python-crfsuite, which Rasa already ships) over the tokenizer's
words (Nepali postpositions joined to a word split off, `name_features.pieces`), with
BILOU tags and the features of `bot.rasa.nlu.name_features`: the word, its Roman
spelling, affixes and shape, two words either side with marks for words of address,
firms, postpositions and units, and the message's intent (the intent classifier runs
first), so "Balaji" is a supplier when paid and "Parle" a product when priced. It trains
in under a minute and finds as many names as DIET did (docs/nlu-report.md, "A perceptron
and a name tagger instead of DIET"). Values are the text as typed; `EntitySynonymMapper`
and `HisaabEntityExtractor` follow.

Only the Rasa environment (Python 3.10) imports this module.
"""

from __future__ import annotations

from typing import Any

import pycrfsuite
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, TOKENS_NAMES
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
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.name_features import Piece, pieces, word_features

_FILE = "names.crfsuite"
_OUTSIDE = "O"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class NameEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Product, customer and supplier names from a CRF over the message's words."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # c1/c2 0.05 and 100 iterations: +1 point of name F1 over crfsuite's 0.1/0.1 and 50 (docs/nlu-report.md)
        return {"entity_types": ["product", "customer", "supplier"], "c1": 0.05, "c2": 0.05, "max_iterations": 100}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: bytes | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._model = model
        """The trained CRF as crfsuite wrote it: the tagger reads it in place, so it is kept as long as the tagger."""
        self._tagger = _tagger(model) if model is not None else None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NameEntityExtractor:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example with a text (those without a name teach what is not one); saved in the model's
        storage."""
        kinds = set(self._config["entity_types"])
        trainer = pycrfsuite.Trainer(verbose=False)
        trainer.set_params({"c1": self._config["c1"], "c2": self._config["c2"],
                            "max_iterations": self._config["max_iterations"], "feature.possible_transitions": True})
        examples = 0
        for message in training_data.training_examples:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if not message.get(TEXT) or not tokens:
                continue
            words = _pieces(message.get(TEXT), tokens)
            spans = [e for e in message.get(ENTITIES) or [] if e[ENTITY_ATTRIBUTE_TYPE] in kinds]
            trainer.append(_features(words, _intent(message)), _bilou(words, spans))
            examples += 1
        if not examples:
            return self._resource
        with self._storage.write_to(self._resource) as directory:
            trainer.train(str(directory / _FILE))
            self._model = (directory / _FILE).read_bytes()
        self._tagger = _tagger(self._model)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the names found to each message's entities, with the tagger's confidence."""
        if self._tagger is None:
            return messages
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if not tokens:
                continue
            text = message.get(TEXT)
            words = _pieces(text, tokens)
            self._tagger.set(_features(words, _intent(message)))
            found = _spans(text, words, self._tagger.tag(), self._tagger.marginal)
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> NameEntityExtractor:
        try:
            with model_storage.read_from(resource) as directory:
                model = (directory / _FILE).read_bytes()
        except ValueError:                      # nothing was trained (no examples)
            model = None
        return cls(config, model_storage, resource, model)


def _tagger(model: bytes) -> pycrfsuite.Tagger:
    """A tagger reading `model` in place (crfsuite does not copy it: keep `model` alive while it is used)."""
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    return tagger


def _pieces(text: str, tokens: list[Token]) -> list[Piece]:
    return pieces(text, [(t.start, t.end) for t in tokens])


def _intent(message: Message) -> str | None:
    """The message's intent: its label in training, the intent classifier's reading when parsing."""
    intent = message.get(INTENT)
    return intent.get(INTENT_NAME_KEY) if isinstance(intent, dict) else intent


def _features(words: list[Piece], intent: str | None) -> pycrfsuite.ItemSequence:
    return pycrfsuite.ItemSequence(word_features([w.text for w in words], [w.normal for w in words], intent))


def _bilou(words: list[Piece], spans: list[dict[str, Any]]) -> list[str]:
    """Each word's tag: B-, I-, L- or U- and the entity type for words inside an annotated span, else O."""
    tags = [_OUTSIDE] * len(words)
    for span in spans:
        inside = [i for i, t in enumerate(words)
                  if t.start >= span[ENTITY_ATTRIBUTE_START] and t.end <= span[ENTITY_ATTRIBUTE_END]]
        kind = span[ENTITY_ATTRIBUTE_TYPE]
        for n, i in enumerate(inside):
            prefix = "U" if len(inside) == 1 else "B" if n == 0 else "L" if n == len(inside) - 1 else "I"
            tags[i] = f"{prefix}-{kind}"
    return tags


def _spans(text: str, words: list[Piece], tags: list[str], marginal: Any) -> list[dict[str, Any]]:
    """Entities from BILOU tags: a run of one type starts at B or U (or at a change of type) and ends at L or U;
    its confidence is the lowest marginal probability of its tags."""
    out: list[dict[str, Any]] = []
    open_span: dict[str, Any] | None = None
    for i, (word, tag) in enumerate(zip(words, tags)):
        if tag == _OUTSIDE:
            open_span = None
            continue
        prefix, kind = tag.split("-", 1)
        confidence = float(marginal(tag, i))
        if prefix in "BU" or open_span is None or open_span[ENTITY_ATTRIBUTE_TYPE] != kind:
            open_span = {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_START: word.start,
                         ENTITY_ATTRIBUTE_END: word.end, ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: confidence}
            out.append(open_span)
        else:
            open_span[ENTITY_ATTRIBUTE_END] = word.end
            open_span[ENTITY_ATTRIBUTE_CONFIDENCE_TYPE] = min(open_span[ENTITY_ATTRIBUTE_CONFIDENCE_TYPE], confidence)
        if prefix in "LU":
            open_span = None
    for span in out:
        span[ENTITY_ATTRIBUTE_VALUE] = text[span[ENTITY_ATTRIBUTE_START]:span[ENTITY_ATTRIBUTE_END]]
    return out
