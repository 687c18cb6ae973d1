"""What the team really types: order IDs and amounts pasted from Seller Central, email and chat.

Input is normalised (NFKC, trimmed) and only the ASCII form kept; digits of other scripts are not
digits of an Amazon order ID, and an amount is never guessed.
"""

from __future__ import annotations

import pytest

from rules.errors import DomainError
from rules.parsing import parse_amount, parse_optional_order_id, parse_order_id

ORDER = "123-1234567-1234567"
FORMAT = "Use the order format 123-1234567-1234567."


# ---------------------------------------------------------------------------------------------
# Order IDs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        pytest.param(ORDER, id="plain"),
        pytest.param(f"  {ORDER}  ", id="spaces_around"),
        pytest.param(f"\t{ORDER}\n", id="tab_and_newline_around"),
        pytest.param(f"\u3000{ORDER}\u3000", id="ideographic_spaces_around"),
        pytest.param(f"\u00a0{ORDER}\u00a0", id="no_break_spaces_around"),
        pytest.param("１２３-１２３４５６７-１２３４５６７", id="full_width_digits"),
        pytest.param("１２３－１２３４５６７－１２３４５６７", id="full_width_digits_and_dashes"),
        pytest.param("123‐1234567‑1234567", id="unicode_hyphen_and_non_breaking_hyphen"),
        pytest.param("123–1234567—1234567", id="en_and_em_dash"),
        pytest.param("123−1234567−1234567", id="minus_sign"),
        pytest.param("123ー1234567ー1234567", id="katakana_long_vowel_mark_from_a_japanese_ime"),
        pytest.param("１２３ - １２３４５６７ - １２３４５６７", id="spaces_around_the_dashes"),
    ],
)
def test_an_order_id_as_pasted_is_kept_in_its_ascii_form(pasted: str) -> None:
    parsed = parse_order_id(pasted)

    assert parsed == ORDER
    assert parsed.isascii()


@pytest.mark.parametrize(
    "pasted",
    [
        pytest.param("١٢٣-١٢٣٤٥٦٧-١٢٣٤٥٦٧", id="arabic_indic_digits"),
        pytest.param("۱۲۳-۱۲۳۴۵۶۷-۱۲۳۴۵۶۷", id="extended_arabic_indic_digits"),
        pytest.param("१२३-१२३४५६७-१२३४५६७", id="devanagari_digits"),
        pytest.param("๑๒๓-๑๒๓๔๕๖๗-๑๒๓๔๕๖๗", id="thai_digits"),
        pytest.param("123-1234567-123456\u09ed", id="ascii_ending_in_a_bengali_seven"),
        pytest.param("12-1234567-1234567", id="first_part_too_short"),
        pytest.param("1234-1234567-1234567", id="first_part_too_long"),
        pytest.param("123-123456-1234567", id="middle_part_too_short"),
        pytest.param("123-12345678-1234567", id="middle_part_too_long"),
        pytest.param("123-1234567-123456", id="last_part_too_short"),
        pytest.param("123-1234567-12345678", id="last_part_too_long"),
        pytest.param("12312345671234567", id="no_dashes"),
        pytest.param("123 1234567 1234567", id="spaces_instead_of_dashes"),
        pytest.param("123_1234567_1234567", id="underscores_instead_of_dashes"),
        pytest.param("D01-1234567-1234567", id="letters"),
        pytest.param(f"{ORDER}\n{ORDER}", id="two_ids"),
    ],
)
def test_an_order_id_in_another_shape_or_script_is_refused_with_the_expected_format(pasted: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_order_id(pasted)

    assert str(refused.value) == FORMAT
    assert refused.value.field == "order_id"


@pytest.mark.parametrize("pasted", ["", "   ", "\u3000", None])
def test_an_empty_order_id_asks_for_one(pasted: str | None) -> None:
    with pytest.raises(DomainError) as refused:
        parse_order_id(pasted)

    assert str(refused.value) == "Enter the order ID."


def test_an_order_id_error_names_the_field_it_came_from() -> None:
    with pytest.raises(DomainError) as refused:
        parse_order_id("nope", field="product_order_id")

    assert refused.value.field == "product_order_id"


def test_an_optional_order_id_may_be_left_empty_but_not_wrong() -> None:
    assert parse_optional_order_id("  ", field="product_order_id") is None
    assert parse_optional_order_id(None, field="product_order_id") is None
    assert parse_optional_order_id(" １２３-１２３４５６７-１２３４５６７ ", field="product_order_id") == ORDER
    with pytest.raises(DomainError) as refused:
        parse_optional_order_id("123", field="product_order_id")
    assert refused.value.field == "product_order_id"


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "currency", "minor_units"),
    [
        pytest.param("129.99", "USD", 12999, id="plain"),
        pytest.param("$129.99", "USD", 12999, id="dollar_sign"),
        pytest.param("US$129.99", "USD", 12999, id="us_dollar_sign"),
        pytest.param("1,234.56", "USD", 123456, id="thousands_separator"),
        pytest.param("1,234,567.89", "USD", 123456789, id="two_thousands_separators"),
        pytest.param("１２９.９９", "USD", 12999, id="full_width_digits"),
        pytest.param("＄１，２３４．５６", "USD", 123456, id="full_width_sign_comma_and_point"),
        pytest.param(" 129.99 ", "USD", 12999, id="spaces_around"),
        pytest.param("129.99 USD", "USD", 12999, id="currency_code_after"),
        pytest.param("12.5", "USD", 1250, id="one_decimal_is_tens_of_cents"),
        pytest.param("50", "USD", 5000, id="whole_dollars"),
        pytest.param("0.01", "USD", 1, id="one_cent"),
        pytest.param("1,234", "JPY", 1234, id="yen_have_no_decimals"),
        pytest.param("¥1,000", "JPY", 1000, id="yen_sign"),
        pytest.param("€10.50", "EUR", 1050, id="euro_sign_for_euros"),
        pytest.param("£3", "GBP", 300, id="pound_sign_for_pounds"),
    ],
)
def test_an_amount_as_typed_is_read_in_minor_units(typed: str, currency: str, minor_units: int) -> None:
    assert parse_amount(typed, currency) == minor_units


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        pytest.param("129.999", "USD", id="three_decimals_for_usd"),
        pytest.param("-5", "USD", id="negative"),
        pytest.param("$-5", "USD", id="negative_after_the_sign"),
        pytest.param("1,23.45", "USD", id="misplaced_thousands_separator"),
        pytest.param("1,2345", "USD", id="four_digits_after_a_comma"),
        pytest.param("1.234,56", "USD", id="european_separators"),
        pytest.param("12.", "USD", id="point_without_decimals"),
        pytest.param(".5", "USD", id="decimals_without_a_whole_part"),
        pytest.param("12.5", "JPY", id="decimals_for_yen"),
        pytest.param("١٢٩", "USD", id="arabic_indic_digits"),
        pytest.param("1e3", "USD", id="exponent"),
        pytest.param("about 50", "USD", id="words"),
    ],
)
def test_an_amount_that_is_not_one_is_refused_with_an_example(typed: str, currency: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_amount(typed, currency)

    assert refused.value.field == "amount"
    assert str(refused.value).startswith("Write the amount like ")
    assert refused.value.params["currency"] == currency


def test_the_example_follows_the_currencys_decimals() -> None:
    with pytest.raises(DomainError) as usd:
        parse_amount("1.234", "USD")
    with pytest.raises(DomainError) as jpy:
        parse_amount("1.5", "JPY")

    assert str(usd.value) == "Write the amount like 1,234.56 (USD, at most 2 decimals)."
    assert str(jpy.value) == "Write the amount like 1,234 (JPY, at most 0 decimals)."


@pytest.mark.parametrize(("typed", "currency"), [("$99,999,999,999", "USD"), ("10000000.01", "USD"),
                                                  ("¥10,000,001", "JPY"), ("９９９９９９９９９９９９", "EUR")])
def test_an_amount_beyond_any_real_case_is_refused_as_a_typo(typed: str, currency: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_amount(typed, currency)

    assert refused.value.field == "amount"
    assert str(refused.value) == f"That amount is too large: at most 10,000,000 {currency}. Check the digits."


def test_the_largest_amount_allowed_fits_a_32_bit_column() -> None:
    assert parse_amount("10,000,000.00", "USD") == 1_000_000_000 < 2**31 - 1
    assert parse_amount("¥10,000,000", "JPY") == 10_000_000


@pytest.mark.parametrize("typed", ["0", "0.00", "$0", "０"])
def test_a_zero_amount_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_amount(typed, "USD")

    assert str(refused.value) == "The amount must be more than zero."


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        pytest.param("€10", "USD", id="euro_sign_for_dollars"),
        pytest.param("£10", "USD", id="pound_sign_for_dollars"),
        pytest.param("C$10", "USD", id="canadian_dollar_sign_for_us_dollars"),
        pytest.param("$10", "EUR", id="dollar_sign_for_euros"),
        pytest.param("¥10", "USD", id="yen_sign_for_dollars"),
    ],
)
def test_a_currency_sign_that_does_not_match_the_currency_is_refused(typed: str, currency: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_amount(typed, currency)

    assert refused.value.field == "amount"
    assert str(refused.value) == f"The amount's symbol does not match the currency {currency}."


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_amount_asks_for_one(typed: str | None) -> None:
    with pytest.raises(DomainError) as refused:
        parse_amount(typed, "USD", field="amount_cents")

    assert str(refused.value) == "Enter the amount."
    assert refused.value.field == "amount_cents"
