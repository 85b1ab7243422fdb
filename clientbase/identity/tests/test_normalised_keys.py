from __future__ import annotations

import pytest

from clientbase.identity import keys


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("ru_inn", "7707083893", "ru_inn:7707083893"),  # Sberbank, a real 10-digit INN
        ("ru_inn", "7707083894", ""),  # one digit off: the check digit no longer holds
        ("ru_inn", "500100732259", "ru_inn:500100732259"),  # a valid 12-digit INN
        ("ru_inn", "500100732250", ""),
        ("ru_ogrn", "1027700132195", "ru_ogrn:1027700132195"),
        ("ru_ogrn", "1027700132194", ""),
        ("ru_ogrn", "304500116000157", "ru_ogrn:304500116000157"),  # OGRNIP, mod 13
        ("ru_kpp", "773601001", ""),  # valid but not identifying
        ("ir_national_id", "46620683470", "ir_nid:46620683470"),
        ("ir_national_id", "46620683471", ""),
        ("ir_economic_code", "46620683470", "ir_nid:46620683470"),  # 11 digits = national id
        ("ir_economic_code", "411786243143", "ir_eco:411786243143"),
        ("ru_inn", "۷۷۰۷۰۸۳۸۹۳", "ru_inn:7707083893"),  # Persian digits
        ("eu_vat", "de 227 411 031", "eu_vat:DE227411031"),
    ],
)
def test_tax_ids_are_kept_only_when_their_checksums_hold(
    kind: str, raw: str, expected: str
) -> None:
    assert keys.tax_key(kind, raw) == expected


def test_kpp_format_is_checked() -> None:
    assert keys.ru_kpp_valid("7736AB001")
    assert not keys.ru_kpp_valid("77360100")


def test_phones_become_e164_with_a_default_region() -> None:
    assert keys.phone_key("8 (495) 123-45-67") == "+74951234567"
    assert keys.phone_key("۰۲۱۳۷۵۰۹۴۳۵", "IR") == "+982137509435"
    assert keys.phone_key("00998716730895", "UZ") == "+998716730895"
    assert keys.phone_key("call me") == ""


def test_emails_are_lower_cased_and_free_mail_has_no_company_domain() -> None:
    assert keys.email_key(" Office@Romashka.RU ") == "office@romashka.ru"
    assert keys.email_domain("office@romashka.ru") == "romashka.ru"
    assert keys.email_domain("ivan@mail.ru") == ""


@pytest.mark.parametrize(
    "name",
    [
        "ООО «Ромашка»",
        "Ромашка ООО",
        'Общество с ограниченной ответственностью "Ромашка"',
        "OOO Romashka",
        "Romashka LLC",
        "ROMASHKA LIMITED LIABILITY COMPANY",
    ],
)
def test_legal_forms_are_stripped_wherever_they_stand(name: str) -> None:
    assert keys.name_skeleton(name) == keys.name_skeleton("Ромашка")


def test_persian_letters_zwnj_and_forms_are_unified() -> None:
    plain = keys.name_key("شرکت بهین زاگرس (سهامی خاص)")
    assert plain == "بهین زاگرس"
    assert keys.name_key("بهين زاگرس") == plain  # Arabic ي
    assert keys.name_key("شرکت فن\u200cآوران سهامی عام") == keys.name_key("فن آوران")
    assert keys.name_key("کیمیا") == keys.name_key("كيميا")  # Arabic ك and ي


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("ООО «Технокомплект»", "Tekhnokomplekt LLC"),
        ("ООО «Технокомплект»", 'OOO "Tehnokomplekt"'),  # h for х
        ("شرکت بهین زاگرس", "Behin Zagros Co."),
        ("شرکت کاوه سپهر", "Kaveh Sepehr Co."),
        ("Summit Components LLP", "ООО «Саммит Компонентс»"),
    ],
)
def test_names_in_different_scripts_share_a_skeleton(native: str, latin: str) -> None:
    assert keys.name_skeleton(native) == keys.name_skeleton(latin)


def test_different_companies_keep_different_skeletons() -> None:
    assert keys.name_skeleton("ООО «Ромашка»") != keys.name_skeleton("ООО «Василёк»")
