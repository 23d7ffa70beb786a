"""A plain CSV return is read by Arrow in one go (``readers._quick_csv``); whatever it reads is exactly
what Python's csv module makes of the same bytes, and anything it cannot be sure of is read record by
record, so every problem is still reported with its file, row and column."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_monitor.returns import readers


def _seen(result: tuple[list[readers.RawSheet], list]) -> tuple:
    sheets, problems = result
    return [(s.file, s.sheet, s.header, list(s.rows)) for s in sheets], problems


PLAIN = [
    b"contract_id,kpi_code,month,value\nC001,K01,2026-11,97\nC002,K02,2026-11,\n",
    b"\xef\xbb\xbfcontract_id,kpi_code,month,value\r\nC001,K01,2026-11,97\r\nC002,K02,2026-11,3.5\r\n",
    b" contract_id , kpi_code \nC001,  K01  \n",  # spaces in cells are kept for validation to judge
    b"contract_id,kpi_code\nC001,K01",  # no newline at the end
    b"contract_id,kpi_code\n",  # a header and no rows
    b"contract_id,note\nC001,caf\xc3\xa9 \xe2\x80\x94 fine\n",  # UTF-8 beyond ASCII
    b"contract_id,kpi_code\nC001,\n,K01\n",  # a row with one cell blank is still a row
]

NOT_PLAIN = [
    b'contract_id,note\nC001,"quoted, with a comma"\n',  # a quote character
    b'contract_id,note\nC001,"two\nlines"\n',  # a record over two lines
    b"contract_id,kpi_code\n\nC001,K01\n",  # a blank line: row numbers come from records
    b"contract_id,kpi_code\n , \nC001,K01\n",  # a row of spaces is blank, not a row
    b"\ncontract_id,kpi_code\nC001,K01\n",  # the header is not on line 1
    b"contract_id,kpi_code\nC001,K01,extra\n",  # a row longer than the header
    b"contract_id,kpi_code,month\nC001,K01\n",  # a row shorter than the header
    b"contract_id,kpi_code\nC001,K\x0001\n",  # a NUL byte
    b"contract_id,kpi_code\nC001,K\xff01\n",  # not UTF-8
    b"contract_id,kpi_code\rC001,K01\r",  # old Mac line ends
    b"",  # empty
]


@pytest.mark.parametrize("data", PLAIN)
def test_a_plain_csv_file_is_read_by_arrow_exactly_as_the_csv_module_reads_it(data):
    quick = readers._quick_csv("r.csv", data)
    assert quick is not None and isinstance(quick.rows, readers.ArrowRows)
    assert _seen(readers.read_csv("r.csv", data)) == _seen(readers._read_csv_by_record("r.csv", data))


@pytest.mark.parametrize("data", NOT_PLAIN)
def test_a_csv_file_arrow_might_read_differently_is_read_record_by_record(data):
    assert readers._quick_csv("r.csv", data) is None
    assert _seen(readers.read_csv("r.csv", data)) == _seen(readers._read_csv_by_record("r.csv", data))


def test_a_file_that_cannot_be_decoded_is_still_reported_with_its_row_and_column():
    (problem,) = readers.read_csv("r.csv", b"contract_id,kpi_code\nC001,K01\nC002,K\xff02\n")[1]
    assert (problem.file, problem.row, problem.column) == ("r.csv", 3, "kpi_code")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"a", b"K01", b",", b",", b"\n", b"\r\n", b"\r", b" ", b"\t", b'"', b"\xc3\xa9", b"\xff", b"\x00"]
        ),
        max_size=40,
    )
)
def test_any_bytes_read_either_way_give_the_same_sheet_or_the_same_problems(parts):
    data = b"contract_id,kpi_code,value\n" + b"".join(parts)
    assert _seen(readers.read_csv("r.csv", data)) == _seen(readers._read_csv_by_record("r.csv", data))
