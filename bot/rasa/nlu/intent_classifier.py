"""`MLPIntentClassifier`: config.yml's intent classifier, a perceptron trained in about a minute and a half.

A multi-layer perceptron (scikit-learn's `MLPClassifier`, one hidden layer) on the
message's sentence-level counts from the featurisers before it (words and char_wb
n-grams of each word's Roman spelling), weighted by TF-IDF with sublinear term
frequency. It reads as many held-out intents as DIET did in a tenth of the training
time (docs/nlu-report.md, "A perceptron and a name tagger instead of DIET").

Only the Rasa environment (Python 3.10) imports this module.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, vstack

_FILE = "intent_classifier.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MLPIntentClassifier(IntentClassifier, GraphComponent):
    """Intent and intent ranking from a one-hidden-layer perceptron on TF-IDF-weighted sparse features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # batches of 500: the cost of an epoch is Adam's update of the whole first layer once per batch, so larger
        # batches with a larger step train 2-3 times faster than scikit-learn's 200 at the same accuracy.
        # l2 3e-3 and 50 epochs: +1 point of cross-validated intents over 1e-4 and 30 (docs/nlu-report.md)
        return {"hidden_units": 256, "epochs": 50, "batch_size": 500, "learning_rate": 0.003, "l2": 3e-3,
                "random_seed": 7, "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._model = model
        """A scikit-learn Pipeline (TfidfTransformer, MLPClassifier), or None before training."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MLPIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example with a text and an intent; saved in the model's storage."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.neural_network import MLPClassifier
        from sklearn.pipeline import make_pipeline
        from threadpoolctl import threadpool_limits

        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if not examples:
            return self._resource
        network = MLPClassifier(hidden_layer_sizes=(self._config["hidden_units"],), max_iter=self._config["epochs"],
                                batch_size=self._config["batch_size"], learning_rate_init=self._config["learning_rate"],
                                alpha=self._config["l2"], random_state=self._config["random_seed"],
                                n_iter_no_change=self._config["epochs"])
        self._model = make_pipeline(TfidfTransformer(sublinear_tf=True), network)
        # the work is sparse products, which use one core anyway; BLAS threads on small dense ones only spin.
        # The epochs are fixed on purpose, so scikit-learn's "not converged" warning says nothing.
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._model.fit(_features(examples), [m.get(INTENT) for m in examples])
        network._optimizer = None             # Adam's moments, three times the weights, only for further fitting
        self._persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Set `intent` and `intent_ranking` (highest confidence first) on every message."""
        if self._model is None or not messages:
            return messages
        names = self._model.classes_
        for message, confidences in zip(messages, self._model.predict_proba(_features(messages))):
            order = np.argsort(-confidences)[: max(self._config["ranking_length"], 1)]
            ranking = [{"name": str(names[i]), "confidence": float(confidences[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def _persist(self) -> None:
        import skops.io

        with self._storage.write_to(self._resource) as directory:
            skops.io.dump(self._model, directory / _FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> MLPIntentClassifier:
        import skops.io

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / _FILE
                model = skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
        except ValueError:                      # nothing was trained (no intent examples)
            model = None
        return cls(config, model_storage, resource, model)


def _features(messages: list[Message]) -> csr_matrix:
    """The sentence-level sparse features of each message's text, one row each, in single precision (the network
    is then too: half the work and half the model file, the same accuracy)."""
    rows = []
    for message in messages:
        _, sentence = message.get_sparse_features(TEXT)
        rows.append(csr_matrix(sentence.features) if sentence is not None else None)
    width = max((row.shape[1] for row in rows if row is not None), default=0)
    return vstack([row if row is not None else csr_matrix((1, width)) for row in rows]).tocsr().astype(np.float32)
