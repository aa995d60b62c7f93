"""The one search box: the same institutions found on SQLite and PostgreSQL, kept in step with every change."""
import csv
import io

import pytest
from openpyxl import load_workbook

from registry.extensions import db
from registry.search.services import SearchQuery, search
from tests.conftest import credit_code, institution_data, page


@pytest.fixture
def register(make_institution):
    return {
        "xinhua": make_institution(name="鹿城区新华艺术培训学校", category="arts", legal_representative="王丽",
                                   address="浙江省温州市鹿城区五马街道解放街128号"),
        "star": make_institution(name="鹿城区星光舞蹈培训学校", category="arts", legal_representative="陈小静",
                                 address="浙江省温州市鹿城区南汇街道锦绣路9号"),
        "swim": make_institution(name="龙湾区飞鱼游泳培训中心", category="sports", legal_representative="李强",
                                 address="浙江省温州市龙湾区永中街道永宁路1号", permit_number="体民3303037000001"),
        "robot": make_institution(name="瓯海区Robot机器人编程中心", category="tech", status="applied",
                                  address="浙江省温州市瓯海区娄桥街道古岸头路3号", legal_representative="赵敏"),
    }


def _names(user, **query):
    return {r.institution.name for r in search(user, SearchQuery(**query).clean(), per_page=100).items}


@pytest.mark.parametrize("q, expected", [
    ("新华", {"鹿城区新华艺术培训学校"}),                       # two characters
    ("华", {"鹿城区新华艺术培训学校"}),                         # one
    ("星光舞蹈", {"鹿城区星光舞蹈培训学校"}),
    ("培训学校", {"鹿城区新华艺术培训学校", "鹿城区星光舞蹈培训学校"}),
    ("xhys", {"鹿城区新华艺术培训学校"}),                       # pinyin initials
    ("xinhua", {"鹿城区新华艺术培训学校"}),                     # full pinyin
    ("XinHua", {"鹿城区新华艺术培训学校"}),
    ("解放街", {"鹿城区新华艺术培训学校"}),                     # address
    ("王丽", set()),                                           # two characters are looked for in names only
    ("陈小静 锦绣路", {"鹿城区星光舞蹈培训学校"}),              # every term must be found
    ("体民3303037", {"龙湾区飞鱼游泳培训中心"}),                 # permit number
    ("robot", {"瓯海区Robot机器人编程中心"}),
    ("ro", {"瓯海区Robot机器人编程中心"}),
    ("新华 龙湾", set()),
    ('"', set()), ("%", set()), ("_", set()), ("'; DROP TABLE institutions; --", set()),
])
def test_what_the_search_box_finds(users, register, q, expected):
    assert _names(users["admin"], q=q) == expected


def test_credit_codes_whole_and_in_part(users, register):
    code = register["swim"].credit_code
    assert _names(users["admin"], q=code) == {"龙湾区飞鱼游泳培训中心"}
    assert _names(users["admin"], q=code[-9:].lower()) == {"龙湾区飞鱼游泳培训中心"}


def test_the_index_follows_every_change(users, register, client, token_for, runner, tmp_path):
    admin = users["admin"]
    from registry.register import services

    star = register["star"]
    services.update_institution(admin, star.id, {"name": "鹿城区月光舞蹈培训学校"}, version=star.version)
    db.session.commit()
    assert _names(admin, q="星光") == set() and _names(admin, q="月光") == {"鹿城区月光舞蹈培训学校"}
    assert _names(admin, q="yueguang") == {"鹿城区月光舞蹈培训学校"}

    services.transition_institution(admin, register["xinhua"].id, to="suspended", reason="消防整改")
    db.session.commit()
    assert _names(admin, q="新华", status="suspended") == {"鹿城区新华艺术培训学校"}

    row = institution_data(name="瑞安市彩虹书法培训学校", credit_code=credit_code(), category="arts")
    path = tmp_path / "new.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    assert runner.invoke(args=["import", "institutions", str(path)]).exit_code == 0
    assert _names(admin, q="彩虹") == {"瑞安市彩虹书法培训学校"} and _names(admin, q="chsf") == {"瑞安市彩虹书法培训学校"}


def test_filters_and_scope(users, register):
    assert _names(users["admin"], q="培训", category="sports") == {"龙湾区飞鱼游泳培训中心"}
    assert _names(users["admin"], escrow="none") == {i.name for i in register.values()}
    assert _names(users["arts"], q="培训") == {"鹿城区新华艺术培训学校", "鹿城区星光舞蹈培训学校"}  # own department
    assert _names(users["market"], q="培训") == {"鹿城区新华艺术培训学校", "鹿城区星光舞蹈培训学校", "龙湾区飞鱼游泳培训中心"}
    assert _names(users["grid"], q="培训") == set()  # no cell yet


def test_a_cell_filter_takes_the_cells_under_it(users, make_institution):
    from registry.grid import importing
    from tests.grid.conftest import DISTRICTS, WEST_CELLS

    for document, parent in ((DISTRICTS, None), (WEST_CELLS, "D1")):
        importing.import_cells(users["admin"], document, code_property="code", name_property="name", parent_code=parent)
    make_institution(name="西区南培训学校", latitude=28.005, longitude=120.65)  # in D1001, under D1
    make_institution(name="东区培训学校", latitude=28.005, longitude=120.67)  # in D2
    assert _names(users["admin"], cell="D1") == {"西区南培训学校"}
    assert _names(users["admin"], cell="D1001") == {"西区南培训学校"}
    assert _names(users["admin"], cell="D1002") == set()
    assert _names(users["admin"], cell="NOPE") == set()


def test_relevance_puts_the_closest_name_first(users, make_institution):
    for name in ("温州市新华书店培训中心", "新华", "新华舞蹈学校"):
        make_institution(name=name)
    ranked = [r.institution.name for r in search(users["admin"], SearchQuery(q="新华").clean()).items]
    assert ranked == ["新华", "新华舞蹈学校", "温州市新华书店培训中心"]


def test_the_list_page_holds_the_query_in_its_url(as_user, register):
    client = as_user("market")
    response = client.get("/institutions?q=xinhua&sort=name")
    rows = page(response).select("table tbody tr")
    assert len(rows) == 1 and "鹿城区新华艺术培训学校" in rows[0].get_text()
    exports = page(response).select(".exports a")
    assert "q=xinhua" in exports[0]["href"] and exports[0]["href"].startswith("/institutions/export.csv")


def test_api_search(client, token_for, register):
    response = client.get("/api/v1/institutions?q=xhys&category=arts", headers=token_for("market"))
    assert response.status_code == 200 and [i["name"] for i in response.json["items"]] == ["鹿城区新华艺术培训学校"]
    assert response.json["items"][0]["escrow_status"] == "none"


def test_exports_open_in_excel_with_nothing_that_runs(as_user, make_institution, register):
    make_institution(name='=HYPERLINK("http://evil","点我")培训学校', category="arts")
    client = as_user("market")
    response = client.get("/institutions/export.csv?q=培训")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["机构名称", "统一社会信用代码"] and len(rows) == 1 + 4
    assert "'=HYPERLINK(\"http://evil\",\"点我\")培训学校" in [r[0] for r in rows]
    assert "attachment" in response.headers["Content-Disposition"]

    workbook = load_workbook(io.BytesIO(client.get("/institutions/export.xlsx?q=培训").data))
    names = [row[0] for row in workbook.active.iter_rows()]
    hostile = [c for c in names if "HYPERLINK" in c.value]
    assert len(names) == 5 and [(c.value, c.data_type) for c in hostile] == [('=HYPERLINK("http://evil","点我")培训学校', "s")]


def test_exports_need_a_login(client):
    assert client.get("/institutions/export.csv").status_code == 302


def test_a_word_in_half_the_register_is_counted_so_far_and_lists_the_newest(users, register, as_user, monkeypatch):
    monkeypatch.setattr("registry.search.services.COUNT_LIMIT", 2)
    result = search(users["market"], SearchQuery(q="培训").clean())
    assert (result.total, result.total_exact) == (2, False)
    assert [r.institution.name for r in result.items] == ["龙湾区飞鱼游泳培训中心", "鹿城区星光舞蹈培训学校",
                                                          "鹿城区新华艺术培训学校"]  # newest first, every match
    client = as_user("market")
    listing = page(client.get("/institutions", query_string={"q": "培训"}))
    assert "超过2条记录" in listing.select_one("h1").get_text()
    assert "按登记时间由新到旧" in listing.get_text()
    exported = client.get("/institutions/export.csv", query_string={"q": "培训"}).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))) == 1 + 3  # the header and every match
    # Few enough matches: counted exactly and listed by relevance again.
    narrowed = search(users["market"], SearchQuery(q="培训 鹿城区").clean())
    assert (narrowed.total, narrowed.total_exact) == (2, True)


def test_several_words_find_the_same_whichever_leads(users, register):
    # The rarer word leads the search on SQLite; the result is every institution holding all the words.
    assert _names(users["market"], q="温州市 新华") == {"鹿城区新华艺术培训学校"}
    assert _names(users["market"], q="新华 温州市") == {"鹿城区新华艺术培训学校"}
    assert _names(users["market"], q="学校 培训 鹿城区") == {"鹿城区新华艺术培训学校", "鹿城区星光舞蹈培训学校"}


def test_a_pinyin_word_too_short_says_pinyin_needs_three_letters(as_user, register):
    client = as_user("market")
    hinted = page(client.get("/institutions", query_string={"q": "gq"}))
    hint = hinted.select_one(".search-box .hint")
    assert hint is not None and "“gq”" in hint.get_text() and "三个字母" in hint.get_text()
    assert hinted.select_one("input[name=q]")["aria-describedby"] == hint["id"]
    for found in ("xhys", "新华", "新华 gq3"):  # long enough, or Chinese: no hint
        assert page(client.get("/institutions", query_string={"q": found})).select_one(".search-box .hint") is None
