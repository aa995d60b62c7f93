"""An import's row errors, produced by the system, read in the reader's language (issue 14 item 28)."""
import io
import re

import pytest

from tests.conftest import page

CJK = re.compile(r"[\u4e00-\u9fff]")
INSTITUTIONS = ("name,credit_code,category,address,district,latitude,longitude,status\n"
                "Sunrise Arts,123,arts,No. 1 Road,999999,north,120.6,licensed\n")
STATEMENTS = ("credit_code,period_start,period_end,opening_balance,received,released,refunded,closing_balance,unearned\n"
              "123,someday,2026-09-30,ten,0,0,0,0,0\n")


def _errors(client, url: str, csv: str) -> list[str]:
    answer = client.post(url, data={"file": (io.BytesIO(csv.encode()), "file.csv"), "skip_invalid": ""},
                         content_type="multipart/form-data")
    assert answer.status_code in (200, 422)
    rows = [row for table in page(answer).select("main table:not(.mapping-table)") for row in table.select("tbody tr")]
    assert rows, "the row errors are listed"
    return [row.find_all("td")[-1].get_text(" ", strip=True) for row in rows]


@pytest.mark.parametrize("url, csv", [("/institutions/import", INSTITUTIONS), ("/escrow/import/statements", STATEMENTS)])
def test_row_errors_read_in_the_readers_language(as_user, users, url, csv):
    client = as_user("admin")
    chinese = _errors(client, url, csv)
    assert all(CJK.search(text) for text in chinese), chinese
    client.post("/language", data={"locale": "en"})
    english = _errors(client, url, csv)
    assert english and not any(CJK.search(text) for text in english), english
