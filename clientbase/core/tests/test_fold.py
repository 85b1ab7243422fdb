"""fold() makes a name searchable: one spelling for every way people type it."""

from __future__ import annotations

import pytest

from clientbase.core.text import fold


def test_it_lower_cases() -> None:
    assert fold("ООО «РОГА И КОПЫТА»") == "ооо «рога и копыта»"


def test_it_treats_yo_as_ye() -> None:
    assert fold("Ёлки-Палки") == fold("Елки-палки") == "елки-палки"


def test_it_spells_arabic_yeh_and_kaf_the_persian_way() -> None:
    assert fold("علي") == fold("علی") == "علی"
    assert fold("كاوه") == fold("کاوه") == "کاوه"
    assert fold("مصطفى") == "مصطفی"  # alef maksura


def test_it_turns_a_zero_width_non_joiner_into_a_space() -> None:
    assert fold("کتاب\u200cخانه") == fold("کتاب خانه") == "کتاب خانه"


def test_it_drops_other_invisible_marks_and_tatweel() -> None:
    assert fold("\ufeffکـــتاب\u200d\u200f") == "کتاب"


def test_it_converts_persian_and_arabic_indic_digits() -> None:
    assert fold("فروشگاه ۱۲۳") == "فروشگاه 123"
    assert fold("٤٥٦") == "456"


def test_it_folds_full_width_letters_and_collapses_spaces() -> None:
    assert fold("  ＡＢＣ \t  Trading\n ") == "abc trading"


@pytest.mark.parametrize("text", ["Ёлки-Палки", "علي كتاب\u200cخانه", "  ＡＢＣ  ", "Straße ۱۲"])
def test_it_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
