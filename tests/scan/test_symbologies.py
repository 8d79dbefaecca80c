import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.scan.symbologies import (
    EAN13, UPCA, UPCE, gtin_check_ok, normalize, parse_symbologies, passes_checks, upca_to_upce, upce_to_upca,
)
from tests.scan.cards import tool_code


def test_an_ean13_with_a_leading_zero_is_reported_as_the_12_digit_upca_people_type():
    assert normalize("0036602301467", EAN13) == ("036602301467", UPCA)
    assert normalize("5030159003930", EAN13) == ("5030159003930", EAN13)


def test_a_upce_reported_expanded_is_given_back_as_its_eight_printed_digits():
    assert normalize("0012345000065", UPCE) == ("01234565", UPCE)


@given(st.sampled_from("01"), st.text("0123456789", min_size=6, max_size=6))
def test_upce_expands_to_a_upca_that_compresses_to_a_upce_for_the_same_product(system, middle):
    body = upce_to_upca(system + middle + "0")[:-1]
    check = next(d for d in "0123456789" if gtin_check_ok(body + d))
    upca = upce_to_upca(system + middle + check)
    assert gtin_check_ok(upca)
    # a few UPC-E spellings are not the canonical one (000003x is 000000x): compare products
    assert upce_to_upca(upca_to_upce(upca)) == upca


def test_check_digits_reject_a_misread_digit():
    assert passes_checks("5030159003930", EAN13)
    assert not passes_checks("5030159003931", EAN13)
    assert passes_checks("036602301467", UPCA)
    assert not passes_checks("036602301468", UPCA)


def test_our_own_label_code_must_carry_its_check_character():
    code = tool_code(41)
    assert passes_checks(code, "code128")
    misread = code[:-3] + ("X" if code[-3] != "X" else "Y") + code[-2:]
    assert not passes_checks(misread, "code128")


def test_foreign_code128_text_passes_as_it_is():
    assert passes_checks("HELLO-123", "code128")


def test_symbology_names_are_checked():
    assert parse_symbologies("code128, QR,ean-13") == {"code128", "qrcode", "ean13"}
    with pytest.raises(ValueError, match="datamatrix"):
        parse_symbologies("code128,datamatrix")
