"""Institution names (unique, as a district's register would have them) and people's names."""
from __future__ import annotations

import itertools

from registry.register.samples.words import (BRANDS, ENTERPRISE_SUFFIX, GIVEN_NAME_CHARS, NON_PROFIT_SUFFIXES, PLACES,
                                             SUBJECTS, SURNAMES, SURNAME_CUM_WEIGHTS)


def unique_name(rng, category, enterprise, district_name, city, taken: set[str]) -> str:
    """A name not in taken (and added to it): a fresh draw, then a two-word brand, then a branch."""
    for brand_words in (None, 2, 2):
        name = _institution_name(rng, category, enterprise, district_name, city, brand_words)
        if name not in taken:
            taken.add(name)
            return name
    # Still taken: this is a branch of the same-named institution.
    branch_word = "分校" if name.endswith("学校") else "校区"
    for place in itertools.chain(rng.sample(PLACES, 5), (f"第{k}" for k in itertools.count(2))):
        branch = f"{name}（{place}{branch_word}）"
        if branch not in taken:
            taken.add(branch)
            return branch


def _institution_name(rng, category, enterprise, district_name, city, brand_words=None) -> str:
    if brand_words is None:
        brand_words = 2 if rng.random() < 0.2 else 1
    brand = "".join(rng.sample(BRANDS, brand_words))
    subject = rng.choice(SUBJECTS[category])
    suffix = ENTERPRISE_SUFFIX if enterprise else rng.choice(NON_PROFIT_SUFFIXES)
    return _name_prefix(rng, district_name, city) + brand + subject + suffix


def _name_prefix(rng, district_name: str, city: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return district_name
    # "温州市瑞安市…" is not how a county-level city's institutions are named.
    if roll < 0.65 and not district_name.endswith("市"):
        return city + district_name
    return city


def person_name(rng) -> str:
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]
    given_length = 2 if rng.random() < 0.7 else 1
    return surname + "".join(rng.choices(GIVEN_NAME_CHARS, k=given_length))
