"""One table of typed numbers, read by the editor's form field and by the spreadsheet's cell reader.

Both call :func:`evaluations.money.parse_amount` (or ``parse_quantity``), so they take the same value or refuse
with the same code and the same message; this table keeps it so. Accepted on purpose: ASCII and full-width digits,
．，－＋ and the ideographic space (what Chinese input methods produce and Word pastes). Every other Unicode digit is
refused, even where NFKC or Python's Decimal would read it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest
from django.core.exceptions import ValidationError

from evaluations.forms import AmountField, QuantityField
from reports.excel import cells
from reports.excel.cells import CellError

AMOUNT = "amount"  # 元 to the fen, at most MAX_AMOUNT
QUANTITY = "quantity"  # an indicator's target or actual: four decimals, at most MAX_QUANTITY

# (typed, read as, expected): the Decimal as stored, None for nothing typed, or the code of the refusal.
TYPED: list[tuple[str, str, Decimal | str | None]] = [
    # Plain numbers, exactly as typed
    ("3864449", AMOUNT, Decimal("3864449.00")),
    ("3864449.00", AMOUNT, Decimal("3864449.00")),
    ("0.5", AMOUNT, Decimal("0.50")),
    ("0", AMOUNT, Decimal("0.00")),
    (" 12.30 ", AMOUNT, Decimal("12.30")),
    ("999999999999.99", AMOUNT, Decimal("999999999999.99")),
    ("1.500", AMOUNT, Decimal("1.50")),  # zeros after the fen are no extra precision
    ("3,864,449.00", AMOUNT, Decimal("3864449.00")),
    # What Chinese input methods produce and Word pastes, normalised on purpose
    ("３８６４４４９．００", AMOUNT, Decimal("3864449.00")),
    ("３，８６４，４４９", AMOUNT, Decimal("3864449.00")),
    ("\u30001.5\u3000", AMOUNT, Decimal("1.50")),
    ("\u00a012\u00a0", AMOUNT, Decimal("12.00")),
    # Nothing typed
    ("", AMOUNT, None),
    ("   ", AMOUNT, None),
    ("\u3000", AMOUNT, None),
    # Other Unicode digits: not what anyone types into a 决算 figure
    ("①②３", AMOUNT, "invalid"),
    ("①", AMOUNT, "invalid"),
    ("12²", AMOUNT, "invalid"),
    ("١٢٣", AMOUNT, "invalid"),  # Arabic-Indic, which Decimal() would read as 123
    ("१२", AMOUNT, "invalid"),  # Devanagari
    ("𝟏𝟐", AMOUNT, "invalid"),  # mathematical bold, which NFKC would turn into 12
    ("Ⅻ", AMOUNT, "invalid"),
    ("十二", AMOUNT, "invalid"),
    # Units, signs, spaces and separators in the wrong places
    ("100元", AMOUNT, "unit"),
    ("10万", AMOUNT, "unit"),
    ("386.44万元", AMOUNT, "unit"),
    ("¥100", AMOUNT, "unit"),
    ("+5", AMOUNT, "invalid"),
    ("＋５", AMOUNT, "invalid"),
    (".5", AMOUNT, "invalid"),
    ("5.", AMOUNT, "invalid"),
    ("1 000", AMOUNT, "invalid"),
    ("1\u3000000", AMOUNT, "invalid"),
    ("12,34", AMOUNT, "grouping"),
    ("38,64,449", AMOUNT, "grouping"),
    ("1,2345.00", AMOUNT, "grouping"),
    ("4,1235.6", AMOUNT, "grouping"),
    ("92万", AMOUNT, "unit"),
    ("1,2,3", AMOUNT, "grouping"),
    ("1,234.5,6", AMOUNT, "invalid"),
    (",123", AMOUNT, "invalid"),
    ("0x10", AMOUNT, "invalid"),
    ("1_000", AMOUNT, "invalid"),
    ("\x00", AMOUNT, "invalid"),
    # NaN, Infinity and exponents hide slips
    ("NaN", AMOUNT, "special"),
    ("sNaN", AMOUNT, "special"),
    ("Infinity", AMOUNT, "special"),
    ("-inf", AMOUNT, "special"),
    ("1e6", AMOUNT, "special"),
    ("1E-2", AMOUNT, "special"),
    ("１Ｅ５", AMOUNT, "special"),
    # Negative, whichever minus it is typed with
    ("-5", AMOUNT, "negative"),
    ("-0", AMOUNT, "negative"),
    ("-1,000.50", AMOUNT, "negative"),
    ("－５", AMOUNT, "negative"),
    ("\u22125", AMOUNT, "negative"),  # the minus the report prints before a decrease
    # Out of bounds
    ("1.234", AMOUNT, "precision"),
    ("0.001", AMOUNT, "precision"),
    ("1000000000000", AMOUNT, "too_large"),
    ("1,000,000,000,000.00", AMOUNT, "too_large"),
    # Indicator values: the same reading, four decimals and a larger bound, worded without money
    ("12.55", QUANTITY, Decimal("12.5500")),
    ("98.3125", QUANTITY, Decimal("98.3125")),
    ("１２．５", QUANTITY, Decimal("12.5000")),
    ("99999999999999.9999", QUANTITY, Decimal("99999999999999.9999")),
    ("", QUANTITY, None),
    ("0.00001", QUANTITY, "precision"),
    ("100000000000000", QUANTITY, "too_large"),
    ("-1", QUANTITY, "negative"),
    ("1e3", QUANTITY, "special"),
    ("①", QUANTITY, "invalid"),
    ("达成", QUANTITY, "invalid"),
    ("10万", QUANTITY, "unit"),
    ("1,2345", QUANTITY, "grouping"),
]


class Refused(NamedTuple):
    code: str | None
    message: str


def read_in_form(typed: str, kind: str) -> Decimal | Refused | None:
    field = AmountField(required=False) if kind == AMOUNT else QuantityField(required=False)
    try:
        return field.clean(typed)
    except ValidationError as error:
        return Refused(error.code, error.messages[0])


def read_in_cell(typed: str, kind: str) -> Decimal | Refused | None:
    read = cells.parse_amount if kind == AMOUNT else cells.parse_value
    try:
        return read(typed)
    except CellError as error:
        return Refused(error.code, error.message)


@pytest.mark.parametrize("read", [read_in_form, read_in_cell], ids=["form", "cell"])
@pytest.mark.parametrize(("typed", "kind", "expected"), TYPED)
def test_it_reads_each_typed_number_as_the_table_says(read, typed, kind, expected):
    outcome = read(typed, kind)
    if isinstance(expected, str):
        assert isinstance(outcome, Refused), outcome
        assert outcome.code == expected
        assert outcome.message
    else:
        # Compared as text, so that the stored form (its decimal places) is checked too.
        assert str(outcome) == str(expected)


@pytest.mark.parametrize(("typed", "kind", "expected"), TYPED)
def test_the_form_and_the_cell_give_the_same_value_or_the_same_message(typed, kind, expected):
    assert read_in_form(typed, kind) == read_in_cell(typed, kind)
