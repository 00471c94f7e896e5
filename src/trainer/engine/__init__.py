"""The pure engine: which items an attempt asks, how an answer is graded, what a score means.

No I/O here, and nothing of Textual, SQL or YAML: it takes validated content models and
answers, and returns values, so grading is identical in every face and testable in
microseconds.
"""

from trainer.engine.grading import AnswerError, grade, parse_answer
from trainer.engine.outcome import (
    Certainty,
    ChoiceFeedback,
    CitedGuideline,
    Outcome,
)
from trainer.engine.scoring import Score, mastery, passed, score_of, weakest
from trainer.engine.selection import select_items

__all__ = [
    "AnswerError",
    "Certainty",
    "ChoiceFeedback",
    "CitedGuideline",
    "Outcome",
    "Score",
    "grade",
    "mastery",
    "parse_answer",
    "passed",
    "score_of",
    "select_items",
    "weakest",
]
