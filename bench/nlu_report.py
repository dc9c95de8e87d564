"""How well the NLU model understands each language: stratified cross-validation of data/nlu.

Run in the Rasa environment from the repository root:

    .venv/rasa/bin/python bench/nlu_report.py                 # 5 folds, written to docs/nlu-report.md
    .venv/rasa/bin/python bench/nlu_report.py --holdout 0.2   # one quick 80/20 split, printed only
    .venv/rasa/bin/python bench/nlu_report.py --quick         # the same folds in seconds, a stand-in model

The four language files are pooled (the bot runs one multilingual model) and split into stratified
folds by (language, intent). Each fold trains `config.yml`'s NLU pipeline on the other folds of all
languages and parses its own examples. Per language it prints intent accuracy, intent macro-F1 and
entity F1 on (entity, value) pairs per message, values compared case-insensitively after stripping
(the NLU contract). Entity F1 is also split into the entities the name tagger learns (product,
customer, supplier) and the rule-owned ones (numbers, units, periods, payment modes, expense
categories), naming the components that produced the latter. Every fold model also parses a few
out-of-scope sentences (alarms, weather, music, cricket, recipes), which should land on
nlu_fallback or help. The cross-validation section of docs/nlu-report.md is replaced in place;
other sections of that file are left alone.

`--quick` is for trainers between full runs: the same folds, with a linear model on the features
config.yml's pipeline counts standing in for its perceptron, intent accuracy and every intent error per
language in a few seconds, printed only. Confirm with the full run before trusting a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.yml names our components (bot.rasa.nlu.components)

LANGUAGES = ("hinglish", "hindi", "nepali", "english")
LEARNED_ENTITIES = frozenset({"product", "customer", "supplier"})
RULE_ENTITIES = frozenset({"quantity", "amount", "order_id", "unit", "period", "payment_mode", "expense_category",
                           "order_step", "write_off_reason", "setting", "reply_language", "upi_id", "gstin"})
OUT_OF_SCOPE_OK = frozenset({"nlu_fallback", "help", "out_of_scope"})
NOT_SHOP_BUSINESS = frozenset({"nlu_fallback", "out_of_scope"})
"""Two labels for one answer-less class: hand-written out-of-scope examples (`nlu_fallback`, all four files) and
Hinglish-TOP's (`out_of_scope`, Hinglish and English). Either reading of either is scored right; the swaps
between them are counted apart."""
TARGET_ACCURACY = 0.95
TARGET_ENTITY_F1 = 0.90
SECTION_START = "<!-- cross-validation: written by bench/nlu_report.py -->"
SECTION_END = "<!-- /cross-validation -->"

OUT_OF_SCOPE = (
    # Never in training data: sentences a shop bot should not take for business.
    "subah 5 baje ka alarm laga do",
    "kal dilli mein baarish hogi kya",
    "kishore kumar ke purane gaane chalao",
    "india ka match kitne baje shuru hoga",
    "paneer butter masala kaise banate hain",
    "ek joke sunao",
    "मेरे लिए सुबह छह बजे का अलार्म सेट करो",
    "आज दिल्ली का तापमान कितना है",
    "कोई भजन बजाओ",
    "कल का क्रिकेट स्कोर क्या रहा",
    "भोलि बिहान पाँच बजे उठाइदेउ",
    "पोखरामा आज घाम लाग्छ कि पानी पर्छ",
    "नारायण गोपालको गीत बजाउ",
    "momo banaune tarika sikau",
    "aaja kun film herne",
    "wake me up at 6 tomorrow",
    "what's the weather in pune this weekend",
    "play the latest bollywood songs",
    "who won the cricket match yesterday",
    "give me a recipe for dal makhani",
    "tell me a joke",
    "how far is the moon",
    "book a cab to the airport",
    "what time is it in london",
)


@dataclass(frozen=True)
class Example:
    language: str
    text: str
    intent: str
    entities: frozenset[tuple[str, str]]


@dataclass
class Parse:
    intent: str
    entities: frozenset[tuple[str, str]]
    extractors: dict[str, set[str]]


@dataclass
class Scores:
    """Counts for one language that the figures are computed from."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    entity_counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    extractors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: list[str] = field(default_factory=list)
    entity_errors: list[str] = field(default_factory=list)

    def add(self, example: Example, parse: Parse) -> None:
        predicted = parse.intent
        if {predicted, example.intent} <= NOT_SHOP_BUSINESS and predicted != example.intent:
            self.entity_counts["swap"].update(n=1)
            predicted = example.intent
        self.gold.append(example.intent)
        self.predicted.append(predicted)
        if predicted != example.intent:
            self.errors.append(f"{example.text!r}: {example.intent} -> {parse.intent}")
        for group, kinds in (("all", LEARNED_ENTITIES | RULE_ENTITIES), ("learned", LEARNED_ENTITIES), ("rule", RULE_ENTITIES)):
            gold = {pair for pair in example.entities if pair[0] in kinds}
            found = {pair for pair in parse.entities if pair[0] in kinds}
            self.entity_counts[group].update(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))
        for kind in RULE_ENTITIES:
            self.extractors[kind] |= parse.extractors.get(kind, set())
        differ = example.entities ^ parse.entities
        for kind in {kind for kind, _ in differ}:
            self.entity_counts[f"miss:{kind}"].update(n=1)
        if differ:
            missed = ", ".join(f"{k}={v}" for k, v in sorted(example.entities - parse.entities))
            extra = ", ".join(f"{k}={v}" for k, v in sorted(parse.entities - example.entities))
            self.entity_errors.append(f"{example.text!r}: missed [{missed}] extra [{extra}]")

    @property
    def accuracy(self) -> float:
        return sum(g == p for g, p in zip(self.gold, self.predicted)) / max(len(self.gold), 1)

    @property
    def macro_f1(self) -> float:
        from sklearn.metrics import f1_score

        return float(f1_score(self.gold, self.predicted, labels=sorted(set(self.gold)), average="macro", zero_division=0))

    def entity_f1(self, group: str) -> float | None:
        counts = self.entity_counts[group]
        if counts["tp"] + counts["fn"] == 0:
            return None
        return 2 * counts["tp"] / (2 * counts["tp"] + counts["fp"] + counts["fn"])

    def meets_targets(self) -> bool:
        return self.accuracy >= TARGET_ACCURACY and (self.entity_f1("all") or 0) >= TARGET_ENTITY_F1


def normalised(value: object) -> str:
    return str(value).strip().lower()


def load_examples(path: Path, language: str) -> list[Example]:
    """The intent examples of one Rasa NLU file, with their (entity, value) pairs."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        Example(language, m.get("text"), m.get("intent"),
                frozenset((e["entity"], normalised(e["value"])) for e in m.get("entities") or []))
        for m in load_data(str(path)).intent_examples
    ]


def write_training_file(examples: list[Example], sources: list[Path], target: Path) -> None:
    """A Rasa NLU file with these examples plus the lookup tables, regexes and synonyms of `sources`."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    keep = {(e.text, e.intent) for e in examples}
    merged = TrainingData().merge(*(load_data(str(path)) for path in sources))
    subset = TrainingData(
        training_examples=[m for m in merged.intent_examples if (m.get("text"), m.get("intent")) in keep],
        entity_synonyms=merged.entity_synonyms,
        lookup_tables=merged.lookup_tables,
        regex_features=merged.regex_features,
    )
    target.write_text(subset.nlu_as_yaml(), encoding="utf-8")


def train(nlu_file: Path, output: Path, name: str) -> tuple[Path, float]:
    """Train config.yml's NLU pipeline; the model path and the seconds it took."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(config=str(ROOT / "config.yml"), nlu_data=str(nlu_file), output=str(output),
                      fixed_model_name=name, domain=str(ROOT / "domain.yml"))
    if model is None:
        raise SystemExit(f"training on {nlu_file} failed")
    return Path(model), time.perf_counter() - started


def parse_all(model: Path, texts: list[str]) -> list[Parse]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[Parse]:
        parses = []
        for text in texts:
            result = await agent.parse_message(text)
            extractors: dict[str, set[str]] = defaultdict(set)
            for entity in result.get("entities", []):
                extractors[entity["entity"]].add(entity.get("extractor", "?"))
            parses.append(Parse(
                result["intent"]["name"],
                frozenset((e["entity"], normalised(e["value"])) for e in result.get("entities", [])),
                extractors,
            ))
        return parses

    return asyncio.run(run())


def splits(examples: list[Example], folds: int, holdout: float | None):
    """(train indices, test indices) pairs, stratified by language and intent."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    strata = [f"{e.language}/{e.intent}" for e in examples]
    if holdout:
        train_index, test_index = train_test_split(range(len(examples)), test_size=holdout, stratify=strata,
                                                   random_state=42)
        return [(train_index, test_index)]
    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=42).split(examples, strata))


def evaluate(examples: list[Example], sources: list[Path], parts, work: Path, after_fold=None
             ) -> tuple[dict[str, Scores], list[float], list[Counter], list[list[str]]]:
    """Train and parse fold by fold; `after_fold(scores, seconds, landed, wrong)` sees the figures so far."""
    scores = {language: Scores() for language in LANGUAGES}
    seconds, outside_landed, outside_wrong = [], [], []
    for fold, (train_index, test_index) in enumerate(parts, start=1):
        nlu_file = work / f"fold{fold}.yml"
        write_training_file([examples[i] for i in train_index], sources, nlu_file)
        model, took = train(nlu_file, work, f"fold{fold}")
        seconds.append(took)
        tested = [examples[i] for i in test_index]
        parses = parse_all(model, [e.text for e in tested] + list(OUT_OF_SCOPE))
        for example, parse in zip(tested, parses):
            scores[example.language].add(example, parse)
        outside = parses[len(tested):]
        outside_landed.append(Counter(p.intent for p in outside))
        outside_wrong.append([f"{text!r} -> {p.intent}" for text, p in zip(OUT_OF_SCOPE, outside)
                              if p.intent not in OUT_OF_SCOPE_OK])
        running = sum(s.accuracy * len(s.gold) for s in scores.values()) / sum(len(s.gold) for s in scores.values())
        print(f"[nlu_report] fold {fold}/{len(parts)}: trained in {took:.0f} s, running intent accuracy {running:.3f}",
              flush=True)
        if after_fold:
            after_fold(scores, seconds, outside_landed, outside_wrong)
    return scores, seconds, outside_landed, outside_wrong


def quick_intents(examples: list[Example], parts) -> dict[str, Scores]:
    """Intents only, fold by fold, from a linear SVM on char_wb 1-4 n-grams (at most 10,000, as config.yml)
    and word counts of the normalised, romanised words the NormalisingTokenizer gives the featurisers."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.svm import LinearSVC

    from bot.rasa.nlu.normalise import words
    from bot.rasa.nlu.romanise import romanise

    keys = [" ".join(romanise(w.key) for w in words(e.text)) for e in examples]
    scores = {language: Scores() for language in LANGUAGES}
    for train_index, test_index in parts:
        featurisers = (CountVectorizer(analyzer="char_wb", ngram_range=(1, 4), max_features=10000),
                       CountVectorizer(token_pattern=r"\S+"))
        train_keys, test_keys = [keys[i] for i in train_index], [keys[i] for i in test_index]
        features = hstack([f.fit_transform(train_keys) for f in featurisers]).tocsr()
        model = LinearSVC(C=0.5, max_iter=5000).fit(features, [examples[i].intent for i in train_index])
        predicted = model.predict(hstack([f.transform(test_keys) for f in featurisers]).tocsr())
        for i, intent in zip(test_index, predicted):
            scores[examples[i].language].add(examples[i], Parse(str(intent), examples[i].entities, {}))
    return scores


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(scores: dict[str, Scores]) -> list[str]:
    lines = ["| language | examples | intent accuracy | intent macro-F1 | entity F1 (all) | entity F1 (learned: product, customer, supplier) | entity F1 (rule-owned) | targets |",
             "|---|---|---|---|---|---|---|---|"]
    for language, s in scores.items():
        lines.append(f"| {language} | {len(s.gold)} | {fmt(s.accuracy)} | {fmt(s.macro_f1)} | {fmt(s.entity_f1('all'))} "
                     f"| {fmt(s.entity_f1('learned'))} | {fmt(s.entity_f1('rule'))} | {'met' if s.meets_targets() else 'NOT met'} |")
    return lines + [""]


def per_entity_lines(scores: dict[str, Scores]) -> list[str]:
    kinds = sorted(LEARNED_ENTITIES | RULE_ENTITIES)
    lines = ["Examples whose (entity, value) pairs differ, by entity type:", "",
             "| language | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for language, s in scores.items():
        lines.append(f"| {language} | " + " | ".join(str(s.entity_counts[f"miss:{k}"]["n"]) for k in kinds) + " |")
    return lines + [""]


def listing(scores: dict[str, Scores], attribute: str, limit: int) -> list[str]:
    lines = []
    for language, s in scores.items():
        items = getattr(s, attribute)
        if items:
            lines.append(f"- {language} ({len(items)}): " + "; ".join(items[:limit]) + (" ..." if len(items) > limit else ""))
    return (lines or ["- none"]) + [""]


def report_section(examples: list[Example], scores: dict[str, Scores], seconds: list[float],
                   outside_landed: list[Counter], outside_wrong: list[list[str]], title: str, load: float) -> str:
    counts = ", ".join(f"{language} {sum(e.language == language for e in examples)}" for language in LANGUAGES)
    extractors = sorted({name for s in scores.values() for names in s.extractors.values() for name in names})
    landed = sum(outside_landed, Counter())
    total = sum(landed.values())
    ok = sum(n for name, n in landed.items() if name in OUT_OF_SCOPE_OK)
    wrong = Counter(w for fold in outside_wrong for w in fold)
    lines = [SECTION_START, f"## {title}", "",
             f"Written by `bench/nlu_report.py` on {datetime.date.today()} ({platform.node()}, {os.cpu_count()} cores, "
             f"load average {load:.2f} at the start; the machine is shared, so training times vary). "
             f"{len(examples)} training examples in data/nlu: {counts}. Folds are stratified by (language, intent); "
             "every fold trains config.yml's NLU pipeline on the other folds of all four languages.", "",
             f"Targets: intent accuracy ≥ {TARGET_ACCURACY} and entity F1 ≥ {TARGET_ENTITY_F1} in every language. "
             "Entity F1 counts (entity, value) pairs per message, values compared case-insensitively after stripping; "
             "product, customer and supplier as written.", ""]
    lines += table(scores)
    swaps = ", ".join(f"{language} {s.entity_counts['swap']['n']}" for language, s in scores.items())
    lines += [f"Rule-owned entities were produced by: {', '.join(extractors) or 'nothing'}.", "",
              f"Out-of-scope examples read as the other out-of-scope label (nlu_fallback <-> out_of_scope, scored "
              f"right): {swaps}.", ""]
    lines += per_entity_lines(scores)
    lines += [f"Training time per fold: {', '.join(f'{s:.0f} s' for s in seconds)}.", ""]
    lines += [f"Out of scope: {len(OUT_OF_SCOPE)} sentences (alarms, weather, music, cricket, recipes, jokes; never in "
              f"training), parsed by every fold's model: {ok} of {total} parses landed on nlu_fallback or help. Landed on: "
              + ", ".join(f"{name} {n}" for name, n in landed.most_common()) + ".", ""]
    if wrong:
        lines += ["On a business intent (sentence -> intent: folds):", ""] + [f"- {w}: {n}" for w, n in wrong.most_common()] + [""]
    lines += ["Intent errors (gold -> predicted):", ""] + listing(scores, "errors", 25)
    lines += ["Entity differences (first 12 per language):", ""] + listing(scores, "entity_errors", 12)
    return "\n".join(lines + [SECTION_END])


def write_section(report: Path, section: str) -> None:
    """Replace this script's section of `report` (or append it), keeping the other sections."""
    text = report.read_text(encoding="utf-8") if report.exists() else "# NLU report\n"
    pattern = re.compile(re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    report.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="folds for cross-validation")
    parser.add_argument("--holdout", type=float, help="instead of folds: one stratified split with this test share, not written")
    parser.add_argument("--quick", action="store_true", help="intents only, a linear stand-in for the perceptron, in seconds; printed only")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "nlu-report.md")
    args = parser.parse_args()

    sources = [ROOT / "data" / "nlu" / f"{language}.yml" for language in LANGUAGES]
    examples = [e for language, path in zip(LANGUAGES, sources) for e in load_examples(path, language)]
    load = os.getloadavg()[0]
    parts = splits(examples, args.folds, args.holdout)
    if args.quick:
        for language, scores in quick_intents(examples, parts).items():
            print(f"{language}: {len(scores.gold)} examples, intent accuracy {scores.accuracy:.3f} (stand-in model)")
            print("".join(f"  {error}\n" for error in scores.errors), end="")
        return 0

    def title(done: int) -> str:
        if args.holdout:
            return f"Held-out split ({args.holdout:.0%} of every language and intent)"
        return f"{args.folds}-fold cross-validation" + ("" if done == len(parts) else f" ({done} of {len(parts)} folds done)")

    def write_partial(scores, seconds, landed, wrong) -> None:
        """A long run on a busy machine leaves the folds it finished in the report."""
        if not args.holdout and len(seconds) < len(parts):
            write_section(args.report, report_section(examples, scores, seconds, landed, wrong, title(len(seconds)), load))

    with tempfile.TemporaryDirectory(prefix="nlu-report-") as tmp:
        scores, seconds, landed, wrong = evaluate(examples, sources, parts, Path(tmp), write_partial)
    section = report_section(examples, scores, seconds, landed, wrong, title(len(seconds)), load)
    print(section)
    if not args.holdout:
        write_section(args.report, section)
    return 0 if all(s.meets_targets() for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
