"""The bulletin's annual-inspection figures: graded in the period, by grade, per district, each opening its records."""
from tests.conftest import page


def test_the_bulletin_counts_the_grades_of_the_period(as_user, graded, arts_institutions):
    graded(arts_institutions[0], reviewed_on="2027-03-10")
    graded(arts_institutions[1], reviewed_on="2027-03-12", lost={"fees": 15, "staff": 15, "premises": 5},
           rectification="整改", rectification_deadline="2027-06-30")
    client = as_user("market")
    soup = page(client.get("/reports/bulletin", query_string={"start": "2027-03-01", "end": "2027-03-15",
                                                               "city": "330300"}))
    assert "年度检查" in soup.get_text()
    assert soup.find("tr", id="annual_reviewed").find("td").find("a").get_text(strip=True) == "2"
    assert soup.find("tr", id="annual_pass").find("td").find("a").get_text(strip=True) == "1"
    assert soup.find("tr", id="annual_basic").find("td").find("a").get_text(strip=True) == "1"
    listing = page(client.get(soup.find("tr", id="annual_basic").find("td").find("a")["href"]))
    assert "鹿城区墨香书法培训中心" in listing.get_text()
