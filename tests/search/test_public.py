"""The public lookup: no login, the public record only, white and black lists, rate-limited."""
import pytest

from registry.extensions import db
from registry.register import services
from tests.conftest import make_test_app, page


@pytest.fixture
def register(users, make_institution):
    licensed = make_institution(name="鹿城区新华艺术培训学校", legal_representative="王丽", contact_phone="13905771234")
    revoked = make_institution(name="鹿城区黑心艺术培训学校")
    services.transition_institution(users["admin"], revoked.id, to="revoked", reason="违规办学")
    make_institution(name="鹿城区申请中艺术培训学校", status="applied")
    db.session.commit()
    return licensed, revoked


def test_anyone_can_check_an_institution(client, register):
    text = page(client.get("/public?q=新华")).select_one("main").get_text()
    assert "鹿城区新华艺术培训学校" in text and "已许可" in text
    assert "王丽" not in text and "13905771234" not in text  # no people, no phone numbers
    assert "鹿城区申请中艺术培训学校" not in page(client.get("/public?q=艺术")).get_text()  # not on the public record


def test_by_credit_code(client, register):
    licensed, _ = register
    assert "鹿城区新华艺术培训学校" in page(client.get(f"/public?q={licensed.credit_code}")).get_text()


def test_white_and_black_lists(client, register):
    white = page(client.get("/public/white")).select_one("table").get_text()
    black = page(client.get("/public/black")).select_one("table").get_text()
    assert "新华" in white and "黑心" not in white
    assert "黑心" in black and "新华" not in black
    assert client.get("/public/grey").status_code == 404


def test_the_lookup_is_rate_limited(database_url, register):
    app = make_test_app(database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.get("/public?q=新华").status_code for _ in range(35)]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
