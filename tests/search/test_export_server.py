"""The register's download from a real server (werkzeug on a loopback port): there the streamed file is read after
the request's context and its session are gone, unlike in the test client."""
from __future__ import annotations

import csv
import io

from tests.conftest import fetch_as


def test_an_officer_downloads_the_register_as_csv_from_a_real_server(live_server, users, make_institution):
    make_institution(name="鹿城区新华艺术培训学校", category="arts")
    make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    make_institution(name="龙湾区飞鱼游泳培训中心", category="sports")  # another department's

    status, body = fetch_as(live_server, "arts", "/institutions/export.csv?q=培训")

    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header[:3] == ["机构名称", "统一社会信用代码", "类别"]
    assert sorted(r[0] for r in rows) == ["鹿城区新华艺术培训学校", "鹿城区星光舞蹈培训学校"]
