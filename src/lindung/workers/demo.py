"""Demo step of the workers app: the generator writes workers with raw INSERTs."""

from __future__ import annotations

import random

from .namewords import fill_name_words


def demo_name_words(rng: random.Random, context: dict) -> None:
    # First of all steps: later steps and the duplicate check read the stored name words.
    fill_name_words()
