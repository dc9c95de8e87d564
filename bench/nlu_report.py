"""How well the NLU model understands each language: cross-validation, held-out and out-of-scope sets.

Run in the Rasa environment from the repository root:

    .venv/rasa/bin/python bench/nlu_report.py            # 5 folds, held-out and out-of-scope sets
    .venv/rasa/bin/python bench/nlu_report.py --folds 0  # only the held-out and out-of-scope sets

Cross-validation pools the four language files (the bot runs one multilingual model), splits them
into stratified folds by (language, intent), trains `config.yml`'s NLU pipeline on each training
part and parses the other part. Per language it prints intent accuracy, intent macro-F1 and entity
F1 on (entity, value) pairs per message, with values compared case-insensitively after stripping
(the NLU contract). Entity F1 is given for all entities, for the ones DIETClassifier learns
(product, customer, supplier) and for the rule-owned ones (numbers, units, periods, payment modes,
expense categories), naming the components that produced the latter. The held-out sets
(tests/nlu/<language>.yml) and the out-of-scope set (tests/nlu/out_of_scope.yml, which must land
on nlu_fallback or help) are parsed by a model trained on all of data/nlu. The figures go to
stdout and to docs/nlu-report.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("hinglish", "hindi", "nepali", "english")
DIET_ENTITIES = frozenset({"product", "customer", "supplier"})
RULE_ENTITIES = frozenset({"quantity", "amount", "order_id", "unit", "period", "payment_mode", "expense_category"})
OUT_OF_SCOPE_OK = frozenset({"nlu_fallback", "help"})
TARGET_ACCURACY = 0.95
TARGET_ENTITY_F1 = 0.90


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
    """Counts for one language (or one set) that the figures are computed from."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    entity_counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    extractors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: list[str] = field(default_factory=list)

    def add(self, example: Example, parse: Parse) -> None:
        self.gold.append(example.intent)
        self.predicted.append(parse.intent)
        if parse.intent != example.intent:
            self.errors.append(f"{example.text!r}: {example.intent} -> {parse.intent}")
        for group, kinds in (("all", DIET_ENTITIES | RULE_ENTITIES), ("diet", DIET_ENTITIES), ("rule", RULE_ENTITIES)):
            gold = {pair for pair in example.entities if pair[0] in kinds}
            found = {pair for pair in parse.entities if pair[0] in kinds}
            self.entity_counts[group].update(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))
        for kind in RULE_ENTITIES:
            self.extractors[kind] |= parse.extractors.get(kind, set())
        for kind, value in example.entities ^ parse.entities:
            self.entity_counts[f"miss:{kind}"].update(n=1)

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


def normalised(value: object) -> str:
    return str(value).strip().lower()


def load_examples(path: Path, language: str) -> list[Example]:
    """The intent examples of one Rasa NLU file, with their (entity, value) pairs."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(language, m.get("text"), m.get("intent"),
                frozenset((e["entity"], normalised(e["value"])) for e in m.get("entities") or []))
        for m in data.intent_examples
    ]


def write_training_file(examples: list[Example], sources: list[Path], target: Path) -> None:
    """A Rasa NLU file with these examples plus the lookup tables, regexes and synonyms of `sources`."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    keep = {(e.text, e.intent) for e in examples}
    merged = TrainingData().merge(*(load_data(str(path)) for path in sources))
    subset = TrainingData(
        training_examples=[m for m in merged.intent_examples if (m.get("text"), m.get("intent")) in keep],
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


def cross_validate(examples: list[Example], sources: list[Path], folds: int, work: Path) -> tuple[dict[str, Scores], list[float]]:
    from sklearn.model_selection import StratifiedKFold

    scores = {language: Scores() for language in LANGUAGES}
    seconds = []
    strata = [f"{e.language}/{e.intent}" for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    for fold, (train_index, test_index) in enumerate(splitter.split(examples, strata), start=1):
        nlu_file = work / f"fold{fold}.yml"
        write_training_file([examples[i] for i in train_index], sources, nlu_file)
        model, took = train(nlu_file, work, f"fold{fold}")
        seconds.append(took)
        tested = [examples[i] for i in test_index]
        for example, parse in zip(tested, parse_all(model, [e.text for e in tested])):
            scores[example.language].add(example, parse)
        done = Scores()
        for s in scores.values():
            done.gold += s.gold
            done.predicted += s.predicted
        print(f"[cv] fold {fold}/{folds}: trained in {took:.0f} s, running intent accuracy {done.accuracy:.3f}", flush=True)
    return scores, seconds


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(title: str, scores: dict[str, Scores]) -> list[str]:
    lines = [f"### {title}", "",
             "| language | examples | intent accuracy | intent macro-F1 | entity F1 (all) | entity F1 (DIET: product, customer, supplier) | entity F1 (rule-owned) |",
             "|---|---|---|---|---|---|---|"]
    for language, s in scores.items():
        lines.append(f"| {language} | {len(s.gold)} | {fmt(s.accuracy)} | {fmt(s.macro_f1)} | {fmt(s.entity_f1('all'))} "
                     f"| {fmt(s.entity_f1('diet'))} | {fmt(s.entity_f1('rule'))} |")
    return lines + [""]


def per_entity_lines(scores: dict[str, Scores]) -> list[str]:
    lines = ["Examples whose (entity, value) pairs differ, by entity type (gold or predicted):", "",
             "| language | " + " | ".join(sorted(DIET_ENTITIES | RULE_ENTITIES)) + " |",
             "|---|" + "---|" * len(DIET_ENTITIES | RULE_ENTITIES)]
    for language, s in scores.items():
        lines.append(f"| {language} | " + " | ".join(str(s.entity_counts[f"miss:{k}"]["n"]) for k in sorted(DIET_ENTITIES | RULE_ENTITIES)) + " |")
    return lines + [""]


def error_lines(scores: dict[str, Scores], limit: int = 15) -> list[str]:
    lines = []
    for language, s in scores.items():
        if s.errors:
            lines.append(f"- {language} ({len(s.errors)}): " + "; ".join(s.errors[:limit]) + (" ..." if len(s.errors) > limit else ""))
    return lines + [""] if lines else ["- none", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="folds for cross-validation (0 skips it)")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "nlu-report.md")
    args = parser.parse_args()

    sources = [ROOT / "data" / "nlu" / f"{language}.yml" for language in LANGUAGES]
    examples = [e for language, path in zip(LANGUAGES, sources) for e in load_examples(path, language)]
    load_before = os.getloadavg()
    lines = ["# NLU report", "",
             f"Written by `bench/nlu_report.py` on {datetime.date.today()} ({platform.node()}, {os.cpu_count()} cores, "
             f"load average {load_before[0]:.2f} at the start; the machine is shared, so timings vary). "
             f"{len(examples)} training examples: "
             + ", ".join(f"{language} {sum(e.language == language for e in examples)}" for language in LANGUAGES) + ".",
             "", f"Targets: intent accuracy ≥ {TARGET_ACCURACY} and entity F1 ≥ {TARGET_ENTITY_F1} in every language.", ""]

    with tempfile.TemporaryDirectory(prefix="nlu-report-") as tmp:
        work = Path(tmp)
        if args.folds:
            cv, seconds = cross_validate(examples, sources, args.folds, work)
            lines += table(f"{args.folds}-fold cross-validation", cv)
            extractors = sorted({name for s in cv.values() for names in s.extractors.values() for name in names})
            lines += [f"Rule-owned entities were produced by: {', '.join(extractors) or 'nothing'}. "
                      "Where that is DIETClassifier, the rule-based extractor (bot/nlu) was not in config.yml, and the "
                      "rule-owned F1 is what DIET learned from the annotations, not the contract's extractor.", ""]
            lines += per_entity_lines(cv)
            lines += [f"Training time per fold: {', '.join(f'{s:.0f} s' for s in seconds)} (on 80 % of the data).", ""]
            lines += ["Intent errors (gold -> predicted):", ""] + error_lines(cv)

        full_file = work / "all.yml"
        write_training_file(examples, sources, full_file)
        model, took = train(full_file, work, "all")
        lines += [f"Training the NLU pipeline on all {len(examples)} examples took {took:.0f} s "
                  f"(load average {os.getloadavg()[0]:.2f} at the end).", ""]

        held_out = {language: Scores() for language in LANGUAGES}
        for language in LANGUAGES:
            tests = load_examples(ROOT / "tests" / "nlu" / f"{language}.yml", language)
            for example, parse in zip(tests, parse_all(model, [e.text for e in tests])):
                held_out[language].add(example, parse)
        lines += table("Held-out sentences (tests/nlu/<language>.yml, never in training)", held_out)
        lines += ["Intent errors (gold -> predicted):", ""] + error_lines(held_out)

        outside = load_examples(ROOT / "tests" / "nlu" / "out_of_scope.yml", "out_of_scope")
        parses = parse_all(model, [e.text for e in outside])
        landed = Counter(p.intent for p in parses)
        wrong = [f"{e.text!r} -> {p.intent}" for e, p in zip(outside, parses) if p.intent not in OUT_OF_SCOPE_OK]
        lines += ["### Out of scope (tests/nlu/out_of_scope.yml: alarms, weather, music, reminders, news ...)", "",
                  f"{len(outside) - len(wrong)} of {len(outside)} land on nlu_fallback or help "
                  f"({(len(outside) - len(wrong)) / max(len(outside), 1):.3f}). Landed on: "
                  + ", ".join(f"{name} {count}" for name, count in landed.most_common()) + ".", ""]
        if wrong:
            lines += ["On a business intent:", ""] + [f"- {w}" for w in wrong] + [""]

    report = "\n".join(lines)
    args.report.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    sys.exit(main())
