"""Question detection in live chat: precision and recall of the rules on a labelled set of Korean chat lines.

The set (``bench/data/chat_questions.tsv``: text, is_question 1/0, topic) was written as a live-chat room
produces it (greetings, reactions, emoji, slang, typos, no question mark, ``#A1 2`` / ``구매 A1 2`` orders)
before the rules (``apps/live/room/question_rules.py``) were. The rules were tuned on the even lines only
(the first data line is line 0); the odd lines are the held-out half. Printed for each half and for all:
lines, precision, recall, topic accuracy on the questions found, and the targets (precision ≥ 0.9, recall ≥
0.8; the held-out half decides).

    .venv/bin/python bench/chat_questions.py
    .venv/bin/python bench/chat_questions.py --errors tuning    # the lines the rules get wrong on one half
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.live.room.question_rules import classify  # noqa: E402

DATA = ROOT / "bench" / "data" / "chat_questions.tsv"
PRECISION_TARGET = 0.9
RECALL_TARGET = 0.8


def load() -> list[tuple[str, bool, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row["text"], row["is_question"] == "1", row["topic"]) for row in rows]


def measure(rows: list[tuple[str, bool, str]]) -> dict:
    tp = fp = fn = topic_right = 0
    wrong: list[str] = []
    for text, asked, topic in rows:
        found = classify(text)
        if found.is_question and asked:
            tp += 1
            if found.topic == topic:
                topic_right += 1
            else:
                wrong.append(f"topic  {text!r}: {found.topic}, labelled {topic}")
        elif found.is_question:
            fp += 1
            wrong.append(f"false+ {text!r} ({found.topic})")
        elif asked:
            fn += 1
            wrong.append(f"missed {text!r} ({topic})")
    return {
        "lines": len(rows),
        "questions": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "topic": topic_right / tp if tp else 0.0,
        "wrong": wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--errors", choices=("tuning", "held-out", "all"), help="list the lines it gets wrong"
    )
    args = parser.parse_args()
    rows = load()
    halves = {"tuning": rows[0::2], "held-out": rows[1::2], "all": rows}
    print(f"{'half':<9} {'lines':>5} {'questions':>9} {'precision':>9} {'recall':>6} {'topic':>6}  target")
    passed = True
    for name, half in halves.items():
        result = measure(half)
        ok = result["precision"] >= PRECISION_TARGET and result["recall"] >= RECALL_TARGET
        if name == "held-out":
            passed = ok
        print(
            f"{name:<9} {result['lines']:>5} {result['questions']:>9} {result['precision']:>9.3f} "
            f"{result['recall']:>6.3f} {result['topic']:>6.3f}  "
            f"precision ≥ {PRECISION_TARGET}, recall ≥ {RECALL_TARGET}: {'PASS' if ok else 'FAIL'}"
        )
        if args.errors == name:
            print("\n".join(f"  {line}" for line in result["wrong"]))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
