"""Which NLU pipeline: candidate featuriser/DIET configurations compared on one held-out split.

Run in the Rasa environment from the repository root:

    .venv/rasa/bin/python bench/nlu_pipeline.py                  # all candidates
    .venv/rasa/bin/python bench/nlu_pipeline.py --only words_chars
    .venv/rasa/bin/python bench/nlu_pipeline.py --timing-epochs 10   # training time only (wall and CPU)
    .venv/rasa/bin/python bench/nlu_pipeline.py --only current --errors /tmp/errors   # every held-out miss, as TSV

The four language files of data/nlu are pooled and split once, stratified by
(language, intent), 80 % for training and 20 % held out. Each candidate pipeline
is trained on the 80 % (timed) and parses the 20 %: intent accuracy and macro-F1,
entity F1 on (entity, value) pairs (the NLU contract's comparison), and parse
latency in-process. For the FallbackClassifier, the same parses are replayed
under several (threshold, ambiguity_threshold) pairs: the share of held-out
sentences that still get their intent, and the share of the out-of-scope
sentences (tests/bot/rasa/nlu/out_of_scope.txt) that land on nlu_fallback or help, and how many
held-out sentences the fallback takes although DIET's top intent was right.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LANGUAGES = ("hinglish", "hindi", "nepali", "english")
OUT_OF_SCOPE = ROOT / "tests" / "bot" / "rasa" / "nlu" / "out_of_scope.txt"
OUT_OF_SCOPE_OK = frozenset({"nlu_fallback", "help"})

_TOKENIZER = {"name": "bot.rasa.nlu.components.NormalisingTokenizer"}
_WORDS = {"name": "CountVectorsFeaturizer"}
_AFTER_DIET = [{"name": "EntitySynonymMapper"}, {"name": "bot.rasa.nlu.components.HisaabEntityExtractor"}]


def _diet(epochs: int, **options) -> dict:
    return {"name": "DIETClassifier", "epochs": epochs, "constrain_similarities": True, **options}


def _chars(low: int, high: int, **options) -> dict:
    return {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": low, "max_ngram": high, **options}


_SEEDED = {"random_seed": 7}
_LARGE_BATCH = {"batch_size": [128, 512], **_SEEDED}
_CURRENT_FEATURES = [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                     _chars(1, 4, max_features=10000)]
"""config.yml's featurisers."""
_MLP_INTENTS = {"name": "bot.rasa.nlu.intent_classifier.MLPIntentClassifier"}
_CRF_NEIGHBOUR = ["low", "title", "upper", "prefix2", "suffix3", "pattern"]
_CRF_WINDOW_5 = [["low", "title"], _CRF_NEIGHBOUR,
                 ["low", "bias", "prefix5", "prefix2", "suffix5", "suffix3", "suffix2", "upper", "title", "digit",
                  "pattern"], _CRF_NEIGHBOUR, ["low", "title"]]
"""The CRF's features of two words either side (Rasa's default: one, fewer of each)."""


CANDIDATES: dict[str, list[dict]] = {
    "words_only": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                   _diet(80)],
    "words_chars_1_4": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                        _chars(1, 4), _diet(80)],
    "words_chars_1_4_40_epochs": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"},
                                  _WORDS, _chars(1, 4), _diet(40)],
    "words_chars_2_5": [_TOKENIZER, _WORDS, _chars(2, 5), _diet(60)],
    "words_chars_1_4_small_diet": [_TOKENIZER, {"name": "RegexFeaturizer"}, _WORDS, _chars(1, 4),
                                   {**_diet(50), "number_of_transformer_layers": 1, "transformer_size": 128}],
    # Training-time candidates (docs/nlu-report.md, "Training time"): config.yml's pipeline, then one change at a time.
    "chosen": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS, _chars(1, 4),
               _diet(80, **_SEEDED)],
    "chars_10k": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                  _chars(1, 4, max_features=10000), _diet(80, **_SEEDED)],
    "chars_10k_no_lexical": [_TOKENIZER, {"name": "RegexFeaturizer"}, _WORDS, _chars(1, 4, max_features=10000),
                             _diet(80, **_SEEDED)],
    "batch_128_512": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                      _chars(1, 4), _diet(80, **_LARGE_BATCH)],
    "batch_128_512_chars_10k": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"},
                                _WORDS, _chars(1, 4, max_features=10000), _diet(80, **_LARGE_BATCH)],
    "batch_128_512_chars_10k_no_lexical": [_TOKENIZER, {"name": "RegexFeaturizer"}, _WORDS,
                                           _chars(1, 4, max_features=10000), _diet(80, **_LARGE_BATCH)],
    "batch_128_512_chars_min_df_2_60_epochs": [_TOKENIZER, {"name": "RegexFeaturizer"},
                                               {"name": "LexicalSyntacticFeaturizer"}, _WORDS,
                                               _chars(1, 4, min_df=2), _diet(60, **_LARGE_BATCH)],
    # Accuracy candidates (docs/nlu-report.md, "Model candidates"): config.yml's pipeline before `romanise` was
    # chosen ("current"), then one change each; config.yml is now "romanised".
    "current": [*_CURRENT_FEATURES, _diet(40, **_SEEDED)],
    "word_bigrams": [_TOKENIZER, {"name": "RegexFeaturizer"}, {"name": "LexicalSyntacticFeaturizer"},
                     {**_WORDS, "min_ngram": 1, "max_ngram": 2}, _chars(1, 4, max_features=10000),
                     _diet(40, **_SEEDED)],
    "no_transformer_120_epochs": [*_CURRENT_FEATURES, _diet(120, number_of_transformer_layers=0, **_SEEDED)],
    "hidden_256_128": [*_CURRENT_FEATURES, _diet(40, hidden_layers_sizes={"text": [256, 128]}, **_SEEDED)],
    "current_80_epochs": [*_CURRENT_FEATURES, _diet(80, **_SEEDED)],
    "romanised": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _diet(40, **_SEEDED)],
    # Training-time candidates of 2026-12-06 (docs/nlu-report.md, "Training time"): "romanised" with fewer
    # epochs, one transformer layer, or none.
    "romanised_15_epochs": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _diet(15, **_SEEDED)],
    "romanised_1_layer_20_epochs": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:],
                                    _diet(20, number_of_transformer_layers=1, **_SEEDED)],
    "romanised_no_transformer_60_epochs": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:],
                                           _diet(60, number_of_transformer_layers=0, **_SEEDED)],
    # Intents by a perceptron on the same features (bot/rasa/nlu/intent_classifier.py), DIET for entities only
    # (docs/nlu-report.md, "Training time: a perceptron and a CRF instead of DIET").
    "mlp_intents_diet_entities_no_transformer": [
        {**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _MLP_INTENTS,
        _diet(40, intent_classification=False, number_of_transformer_layers=0, **_SEEDED)],
    "mlp_intents_crf_entities": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _MLP_INTENTS,
                                 {"name": "CRFEntityExtractor"}],
    "mlp_intents_crf_entities_window_5": [{**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _MLP_INTENTS,
                                          {"name": "CRFEntityExtractor", "features": _CRF_WINDOW_5,
                                           "max_iterations": 100}],
    "mlp_intents_diet_entities_1_layer": [
        {**_TOKENIZER, "romanise": True}, *_CURRENT_FEATURES[1:], _MLP_INTENTS,
        _diet(20, intent_classification=False, number_of_transformer_layers=1, **_SEEDED)],
    # config.yml since 2026-12-07 (docs/nlu-report.md, "A perceptron and a name tagger instead of DIET").
    "mlp_intents_name_tagger": [{**_TOKENIZER, "romanise": True}, _WORDS, _chars(1, 4, max_features=10000),
                                _MLP_INTENTS, {"name": "bot.rasa.nlu.name_tagger.NameEntityExtractor"}],
}
"""Each pipeline up to its intent classifier and name extractor; the synonym mapper and our extractor follow in
every one."""

FALLBACKS = [(t, a) for t in (0.3, 0.4, 0.5, 0.6, 0.7) for a in (0.05, 0.1)]
CONFIGURED_FALLBACK = (0.3, 0.05)
"""config.yml's FallbackClassifier (threshold, ambiguity_threshold)."""


@dataclass(frozen=True)
class Example:
    language: str
    text: str
    intent: str
    entities: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Parse:
    ranking: tuple[tuple[str, float], ...]
    """DIET's intents by confidence, including `nlu_fallback` when DIET itself predicts it (data/nlu teaches it
    with out-of-scope examples); the FallbackClassifier here never fires (threshold 0)."""
    entities: frozenset[tuple[str, str]]
    seconds: float

    def intent(self, threshold: float, ambiguity: float) -> str:
        """The intent the FallbackClassifier would give with these settings."""
        top = self.ranking[0]
        second = self.ranking[1][1] if len(self.ranking) > 1 else 0.0
        return "nlu_fallback" if top[1] < threshold or top[1] - second < ambiguity else top[0]


def _pairs(entities: Iterable[dict]) -> frozenset[tuple[str, str]]:
    return frozenset((e["entity"], str(e["value"]).strip().lower()) for e in entities)


def load_examples() -> tuple[list[Example], list]:
    """Every intent example of data/nlu with its language, and the loaded files (for lookups and synonyms)."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples, loaded = [], []
    for language in LANGUAGES:
        data = load_data(str(ROOT / "data" / "nlu" / f"{language}.yml"))
        loaded.append(data)
        examples += [Example(language, m.get("text"), m.get("intent"), _pairs(m.get("entities") or []))
                     for m in data.intent_examples]
    return examples, loaded


def split(examples: list[Example], held_out: float = 0.2) -> tuple[list[Example], list[Example]]:
    from sklearn.model_selection import train_test_split

    strata = [f"{e.language}/{e.intent}" for e in examples]
    return train_test_split(examples, test_size=held_out, stratify=strata, random_state=42)


def write_training_file(examples: list[Example], loaded: list, target: Path) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    keep = {(e.text, e.intent) for e in examples}
    merged = TrainingData().merge(*loaded)
    subset = TrainingData(
        training_examples=[m for m in merged.intent_examples if (m.get("text"), m.get("intent")) in keep],
        entity_synonyms=merged.entity_synonyms, lookup_tables=merged.lookup_tables,
        regex_features=merged.regex_features,
    )
    target.write_text(subset.nlu_as_yaml(), encoding="utf-8")


def write_config(pipeline: list[dict], target: Path) -> None:
    """A config file with this pipeline, our two components after DIET, and a FallbackClassifier that never
    fires (the fallback settings are replayed afterwards on DIET's ranking)."""
    from rasa.shared.utils.io import write_yaml

    steps = [dict(step) for step in pipeline] + _AFTER_DIET + [
        {"name": "FallbackClassifier", "threshold": 0.0, "ambiguity_threshold": 0.0}]
    write_yaml({"recipe": "default.v1", "assistant_id": "pipeline-bench", "language": "xx", "pipeline": steps,
                "policies": []}, target)


def train(config: Path, nlu_file: Path, output: Path, name: str) -> tuple[Path, float, float]:
    """The model, and the wall and CPU seconds (all threads of this process) its training took. CPU seconds
    compare candidates on a shared machine, where the wall time follows the other processes' load."""
    from rasa.model_training import train_nlu

    started, cpu_started = time.perf_counter(), time.process_time()
    model = train_nlu(config=str(config), nlu_data=str(nlu_file), output=str(output), fixed_model_name=name,
                      domain=str(ROOT / "domain.yml"))
    if model is None:
        raise SystemExit(f"training {name} failed")
    return Path(model), time.perf_counter() - started, time.process_time() - cpu_started


def parse_all(model: Path, texts: list[str]) -> list[Parse]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[Parse]:
        await agent.parse_message("warm up")
        parses = []
        for text in texts:
            started = time.perf_counter()
            result = await agent.parse_message(text)
            took = time.perf_counter() - started
            ranking = tuple((r["name"], r["confidence"]) for r in result["intent_ranking"])
            parses.append(Parse(ranking, _pairs(result.get("entities", [])), took))
        return parses

    return asyncio.run(run())


def intent_scores(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    return accuracy, float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0))


def entity_f1(gold: list[frozenset], found: list[frozenset]) -> float:
    tp = sum(len(g & f) for g, f in zip(gold, found))
    fp = sum(len(f - g) for g, f in zip(gold, found))
    fn = sum(len(g - f) for g, f in zip(gold, found))
    return 2 * tp / max(2 * tp + fp + fn, 1)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def language_accuracy(held_out: list[Example], parses: list[Parse], language: str,
                      fallback: tuple[float, float] | None) -> float:
    """Intent accuracy on one language's held-out sentences: DIET's top intent, or with `fallback` =
    (threshold, ambiguity_threshold) the intent the FallbackClassifier leaves."""
    pairs = [(e, p) for e, p in zip(held_out, parses) if e.language == language]
    found = [p.intent(*fallback) if fallback else p.ranking[0][0] for _, p in pairs]
    return sum(e.intent == f for (e, _), f in zip(pairs, found)) / max(len(pairs), 1)


def write_errors(target: Path, held_out: list[Example], parses: list[Parse]) -> None:
    """Every held-out sentence that config.yml's fallback settings leave with a wrong intent (DIET wrong, or
    DIET right and the fallback taking it): language, text, gold intent, DIET's top two with confidences,
    and the intent after the fallback."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = ["language\ttext\tgold\ttop\tconfidence\tsecond\tsecond_confidence\twith_fallback"]
    for e, p in zip(held_out, parses):
        final = p.intent(*CONFIGURED_FALLBACK)
        if final != e.intent:
            second = p.ranking[1] if len(p.ranking) > 1 else ("", 0.0)
            lines.append(f"{e.language}\t{e.text}\t{e.intent}\t{p.ranking[0][0]}\t{p.ranking[0][1]:.2f}"
                         f"\t{second[0]}\t{second[1]:.2f}\t{final}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(CANDIDATES), help="candidates to run (default all)")
    parser.add_argument("--errors", type=Path, help="write every held-out miss per candidate to DIR/NAME.tsv")
    parser.add_argument("--timing-epochs", type=int,
                        help="train every candidate for this many DIET epochs and print only the training time")
    args = parser.parse_args()

    examples, loaded = load_examples()
    training, held_out = split(examples)
    outside = [line for line in OUT_OF_SCOPE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    print(f"{len(examples)} examples ({', '.join(f'{lang} {sum(e.language == lang for e in examples)}' for lang in LANGUAGES)}); "
          f"{len(training)} for training, {len(held_out)} held out; {len(outside)} out-of-scope sentences; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    rows, fallback_rows = [], []
    with tempfile.TemporaryDirectory(prefix="nlu-pipeline-") as tmp:
        work = Path(tmp)
        nlu_file = work / "train.yml"
        write_training_file(training, loaded, nlu_file)
        for name in args.only or CANDIDATES:
            config = work / f"{name}.yml"
            pipeline = CANDIDATES[name]
            if args.timing_epochs:
                pipeline = [{**step, "epochs": args.timing_epochs} if step["name"] == "DIETClassifier" else step
                            for step in pipeline]
            write_config(pipeline, config)
            model, seconds, cpu = train(config, nlu_file, work, name)
            if args.timing_epochs:
                rows.append(f"| {name} | {args.timing_epochs} | {seconds:.0f} s | {cpu:.0f} s | {os.getloadavg()[0]:.1f} |")
                print(rows[-1], flush=True)
                continue
            parses = parse_all(model, [e.text for e in held_out] + outside)
            inside, oos = parses[:len(held_out)], parses[len(held_out):]
            accuracy, macro_f1 = intent_scores([e.intent for e in held_out], [p.ranking[0][0] for p in inside])
            f1 = entity_f1([e.entities for e in held_out], [p.entities for p in inside])
            latencies = [p.seconds * 1000 for p in parses]
            by_language = " | ".join(f"{language_accuracy(held_out, inside, lang, None):.3f} / "
                                     f"{language_accuracy(held_out, inside, lang, CONFIGURED_FALLBACK):.3f}"
                                     for lang in LANGUAGES)
            rows.append(f"| {name} | {accuracy:.3f} | {by_language} | {macro_f1:.3f} | {f1:.3f} "
                        f"| {seconds:.0f} s ({cpu:.0f} s CPU, load {os.getloadavg()[0]:.1f}) "
                        f"| {percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.95):.1f} ms |")
            print(rows[-1], flush=True)
            for threshold, ambiguity in FALLBACKS:
                kept = sum(p.intent(threshold, ambiguity) == e.intent for e, p in zip(held_out, inside)) / len(held_out)
                caught = sum(p.intent(threshold, ambiguity) in OUT_OF_SCOPE_OK for p in oos) / len(oos)
                lost = sum(p.ranking[0][0] == e.intent != p.intent(threshold, ambiguity)
                           for e, p in zip(held_out, inside))
                fallback_rows.append(f"| {name} | {threshold} | {ambiguity} | {kept:.3f} | {lost} | {caught:.3f} |")
            escaped = [f"{text!r} -> {p.ranking[0][0]} {p.ranking[0][1]:.2f}" for text, p in zip(outside, oos)]
            print("  out of scope, DIET's top intent: " + "; ".join(escaped), flush=True)
            wrong = [f"{e.text!r}: {e.intent} -> {p.ranking[0][0]}" for e, p in zip(held_out, inside)
                     if p.ranking[0][0] != e.intent]
            print(f"  held-out intent errors ({len(wrong)}): " + "; ".join(wrong[:20]), flush=True)
            if args.errors:
                write_errors(args.errors / f"{name}.tsv", held_out, inside)
    if args.timing_epochs:
        print("\n| pipeline | DIET epochs | training (wall) | training (CPU) | load average after |")
        print("|---|---|---|---|---|")
        print("\n".join(rows))
        return
    print("\n| pipeline | intent accuracy | " + " | ".join(f"{lang} (DIET / fallback {CONFIGURED_FALLBACK})"
                                                        for lang in LANGUAGES)
          + " | intent macro-F1 | entity F1 | training | parse p50 / p95 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n| pipeline | threshold | ambiguity_threshold | held-out intents kept | right but fallen back "
          "| out of scope caught |")
    print("|---|---|---|---|---|---|")
    print("\n".join(fallback_rows))


if __name__ == "__main__":
    main()
