"""The tagger's commands: `coi tag-text` (JSON Lines in, tags with evidence out), `coi eval`, `coi bench tag`,
`coi train-threat-model`, `coi train-group-model`, `coi train-verifier`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import IO

from ..taxonomy import iso_day
from .gold import GOLD_SETS

EXIT_OK, EXIT_FAILED = 0, 1


def _request(line: str | bytes) -> dict:
    """One tag-text input line as a checked request; ValueError says what is wrong with it."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"not UTF-8 text: byte {line[error.start]:#04x} at column {error.start + 1}") from None
    if not line.strip():
        raise ValueError("an empty line: one JSON object a line")
    try:
        request = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(request, dict):
        raise ValueError("a line must be a JSON object")
    if not isinstance(request.get("id"), str) or not request["id"]:
        raise ValueError('"id" must be a non-empty string')
    if not isinstance(request.get("text"), str):
        raise ValueError('"text" must be a string')
    for key in ("language", "published"):
        if request.get(key) is not None and not isinstance(request[key], str):
            raise ValueError(f'"{key}" must be a string')
    for key in ("id", "text", "language", "published"):
        if isinstance(request.get(key), str) and not _is_unicode(request[key]):
            raise ValueError(f'"{key}" holds a lone surrogate (an escape such as \\ud800 that is no character)')
    if request.get("published") and (len(request["published"]) != 10 or iso_day(request["published"]) is None):
        raise ValueError('"published" must be a date as YYYY-MM-DD')
    return request


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def tag_lines(lines, out: IO[str]) -> int:
    """Tag each JSON line (text, or bytes as read from stdin), write one JSON line per input line, an empty or
    undecodable one included; the exit code is 1 if any line failed."""
    from ..language import detect_language
    from .output import tagged_json
    from .tagger import default_tagger

    tagger = default_tagger()
    failed = False
    for number, line in enumerate(lines, start=1):
        try:
            request = _request(line)
            language = request.get("language") or detect_language(request["text"])[0] or "en"
            tagged = tagger.tag_text(request["text"], language, request.get("published"))
            written = json.dumps(tagged_json(request["id"], request["text"], tagged, tagger.version),
                                 ensure_ascii=False)
        except ValueError as error:
            written, failed = json.dumps({"line": number, "error": str(error)}, ensure_ascii=False), True
        except Exception as error:  # a bug on one line must not lose the others
            written, failed = json.dumps({"line": number, "error": f"{type(error).__name__}: {error}"}), True
        out.write(written + "\n")
        out.flush()
    return EXIT_FAILED if failed else EXIT_OK


def cmd_tag_text(args) -> int:
    """JSON Lines are UTF-8 whatever the locale: lines are read as bytes and written as UTF-8."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        return tag_lines(sys.stdin.buffer, out)
    finally:
        out.detach()


def cmd_eval(args) -> int:
    from .evaluate import evaluate, load_gold, report
    from .tagger import default_tagger

    result = evaluate(load_gold(Path(args.gold) if args.gold else GOLD_SETS[args.set]), default_tagger())
    print(report(result, None if args.misses < 0 else args.misses))
    return EXIT_OK if result.meets_bar() or not args.check else EXIT_FAILED


def _training_data(args, command: str) -> tuple[dict, list[dict], str] | None:
    """The settings of data/model/training.json, the gold passages to train on (every set but the excluded ones)
    and a description of them; None, after a message, if an excluded set does not exist."""
    from .gold import load_gold
    from .passage_model import TRAINING_PATH

    settings = json.loads(TRAINING_PATH.read_text(encoding="utf-8"))
    exclude = set(args.exclude if args.exclude is not None else settings["exclude"])
    unknown = sorted(exclude - set(GOLD_SETS))
    if unknown:
        print(f"coi {command}: no gold set {', '.join(unknown)}", file=sys.stderr)
        return None
    records = [{**r, "gold_set": name} for name, path in GOLD_SETS.items() if name not in exclude
               for r in load_gold(path)]
    return settings, records, (f"{len(records)} passages ({len(GOLD_SETS) - len(exclude)} gold sets, not "
                               f"{', '.join(sorted(exclude)) or 'none'})")


def cmd_train_threat_model(args) -> int:
    return _train_passage_model(args, "threat")


def cmd_train_group_model(args) -> int:
    return _train_passage_model(args, "group")


def _train_passage_model(args, kind: str) -> int:
    from .passage_model import FACET_OF, MODEL_PATHS, save_model
    from .training import train_passage_model

    data = _training_data(args, f"train-{kind}-model")
    if data is None:
        return EXIT_FAILED
    settings, records, described = data
    model = train_passage_model(records, kind, settings)
    output = Path(args.output) if args.output else MODEL_PATHS[kind]
    save_model(model, output)
    print(f"trained on {described}: {len(model.labels)} {FACET_OF[kind]}, {len(model.keys)} features -> {output}")
    return EXIT_OK


def cmd_train_verifier(args) -> int:
    from .tag_verifier import MODEL_PATH, save_verifier, train_on_instances
    from .training import cross_fitted_instances

    data = _training_data(args, "train-verifier")
    if data is None:
        return EXIT_FAILED
    settings, records, described = data
    options = settings["verifier"]
    verifier = train_on_instances(records, cross_fitted_instances(records, settings, processes=args.processes),
                                  c=options["c"], steps=options["steps"])
    output = Path(args.output) if args.output else MODEL_PATH
    save_verifier(verifier, output)
    print(f"trained on {described}, cross-fitted in {options['folds']} folds: "
          + ", ".join(f"{kind} {len(model.keys)} features" for kind, model in verifier.items()) + f" -> {output}")
    return EXIT_OK


def cmd_bench_tag(args) -> int:
    from .bench import run_tag_bench

    run_tag_bench(words=args.words, language=args.language, processes=args.processes)
    return EXIT_OK


def register(commands) -> None:
    """Add tag-text, eval and `bench tag` to the coi command line (commands: the top-level subparsers)."""
    tag_text = commands.add_parser(
        "tag-text", help="tag JSON Lines from stdin: regions, groups, threats, actors with evidence",
        description='Each input line: {"id": str, "text": str, "language": optional, "published": optional '
                    'YYYY-MM-DD}. Each output line: the tags, claims and evidence, or {"line": N, "error": ...}.')
    tag_text.set_defaults(func=cmd_tag_text)

    evaluate = commands.add_parser("eval", help="score the tagger on the gold development set")
    evaluate.add_argument("--gold", help="gold JSON Lines file (overrides --set)")
    evaluate.add_argument("--set", choices=sorted(GOLD_SETS), default="dev",
                          help="which gold set in tests/fixtures/gold/ to score (default: dev)")
    evaluate.add_argument("--misses", type=int, default=-1, help="how many misses to list (default: all)")
    evaluate.add_argument("--check", action="store_true", help="exit 1 if a facet is below the bar")
    evaluate.set_defaults(func=cmd_eval)

    for kind, func in (("threat", cmd_train_threat_model), ("group", cmd_train_group_model)):
        train = commands.add_parser(f"train-{kind}-model",
                                    help=f"train the passage classifier for {kind}s on the gold sets")
        train.add_argument("--exclude", nargs="*",
                           help="gold sets to leave out (default: data/model/training.json)")
        train.add_argument("--output", help=f"where to write the model (default: the tagger's data/model/{kind}s.npz)")
        train.set_defaults(func=func)

    verifier = commands.add_parser("train-verifier",
                                   help="train the second reading of each tag (per facet) on the gold sets")
    verifier.add_argument("--exclude", nargs="*", help="gold sets to leave out (default: data/model/training.json)")
    verifier.add_argument("--output", help="where to write the model (default: the tagger's data/model/verifier.npz)")
    verifier.add_argument("--processes", type=int, default=2, help="folds trained at once (default: 2)")
    verifier.set_defaults(func=cmd_train_verifier)

    bench = commands.choices.get("bench")
    kinds = next((a for a in getattr(bench, "_actions", []) if isinstance(a, argparse._SubParsersAction)), None)
    if kinds is not None and "tag" not in kinds.choices:
        add_bench_parser(kinds)


def add_bench_parser(kinds) -> None:
    bench_tag = kinds.add_parser("tag", help="tagging speed next to the spaCy tokenizer, memory, two processes")
    bench_tag.add_argument("--words", type=int, default=300_000, help="size of the English test text")
    bench_tag.add_argument("--language", default="en")
    bench_tag.add_argument("--processes", type=int, default=2)
    bench_tag.set_defaults(func=cmd_bench_tag)


def main_for_tests(argv: list[str]) -> int:
    """Run the tagger's commands without the rest of the coi command line."""
    parser = argparse.ArgumentParser(prog="coi")
    commands = parser.add_subparsers(dest="command", required=True)
    register(commands)
    add_bench_parser(commands.add_parser("bench").add_subparsers(dest="kind", required=True))
    args = parser.parse_args(argv)
    return args.func(args)
