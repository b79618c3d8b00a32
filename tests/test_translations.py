"""Every message and every kata speaks English and Chinese, and each Chinese text was made
from the English that is there now."""
from __future__ import annotations

from string import Formatter

import pytest

from conftest import COURSE
from pytest_autograd_kata.course.data import LANGS, TEXT_FIELDS
from pytest_autograd_kata.authoring.dev import stale_translations
from pytest_autograd_kata.course.i18n import catalog

MESSAGES = catalog()


def placeholders(text: str) -> list[tuple[str, str]]:
    """The ``{field:spec}`` slots of a message, which the code fills in by name."""
    return sorted((name, spec) for _, name, spec, _ in Formatter().parse(text) if name is not None)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert all(entry.get(lang, "").strip() for lang in LANGS), f"[{key}] needs " + " and ".join(LANGS)
    assert placeholders(entry["zh"]) == placeholders(entry["en"]), \
        f"[{key}]: the Chinese must fill in the same {{fields}} as the English"


@pytest.mark.parametrize("kata", COURSE.katas, ids=lambda k: k.id)
def test_kata_has_every_field_in_both_languages(kata) -> None:
    for field in TEXT_FIELDS:
        values = getattr(kata, field)
        assert set(values) == set(LANGS), f"{kata.id}: {field} needs " + " and ".join(LANGS)
        assert all(values[lang] for lang in LANGS), f"{kata.id}: {field} is empty in one language"
    assert len(kata.hints["zh"]) == len(kata.hints["en"]), f"{kata.id}: the same number of hints in each language"
    assert 2 <= len(kata.hints["en"]) <= 4, f"{kata.id}: two to four levels of hints"
    assert "TODO" not in " ".join([*kata.title.values(), *kata.statement.values(), *kata.hints["en"],
                                   *kata.hints["zh"]]), f"{kata.id} still has TODO text"


def test_every_translation_was_made_from_the_current_english() -> None:
    stale = stale_translations(COURSE)
    assert not stale, "\n".join(stale)
