"""The history of an institution as its readers see it: labels in their language, people by their names."""
import re

from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import page


def _history_text(client, institution_id: int) -> str:
    return page(client.get(f"/institutions/{institution_id}")).select_one("table.history").get_text(" ", strip=True)


def test_a_history_diff_shows_labels_and_names_not_codes_and_usernames(as_user, make_user, make_institution):
    make_user("chen", "officer", "culture", display_name="文广旅局 陈芳")
    institution = make_institution(name="鹿城区晨曦舞蹈培训学校", category="arts")
    client = as_user("chen")
    answer = client.post(f"/institutions/{institution.id}/transition/suspended",
                         data={"to": "suspended", "reason": "消防检查不合格", "confirm": "y"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    client.post(f"/institutions/{institution.id}/edit", data={
        **{k: str(v or "") for k, v in {"name": institution.name, "credit_code": institution.credit_code,
                                         "category": "arts", "permit_number": institution.permit_number,
                                         "address": institution.address, "district": "330302",
                                         "latitude": institution.latitude, "longitude": institution.longitude,
                                         "legal_representative": "王丽", "contact_phone": "13905771234",
                                         "floor_area": 300, "capacity": 60}.items()},
        "teaching_mode": "online", "version": str(db.session.get(type(institution), institution.id).version)})
    chinese = _history_text(as_user("market"), institution.id)
    assert "已许可 → 停业整顿" in chinese and "线下 → 线上" in chinese
    assert "licensed" not in chinese and "suspended" not in chinese and "offline" not in chinese
    assert "文广旅局 陈芳" in chinese and "chen" not in chinese  # as the lifecycle beside it names people

    client.post("/language", data={"locale": "en"})
    english = _history_text(client, institution.id)
    assert "Licensed → Suspended" in english and "Offline → Online" in english


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_reason_a_conversion_writes_reads_in_the_readers_language(as_user, make_institution):
    """The system's words ("Converted from ...") follow the reader's language; the officer's reason stays as typed."""
    origin = make_institution(name="鹿城区启明学科培训学校", category="academic")
    client = as_user("admin")
    answer = client.post(f"/institutions/{origin.id}/transition/converted",
                         data={"to": "converted", "reason": "reduction", "new_category": "arts", "confirm": "y"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    successor = db.session.query(Institution).filter(Institution.converted_from_id == origin.id).one()
    chinese = page(client.get(f"/institutions/{successor.id}"))
    assert f"由编号{origin.id}的学科类机构转型：reduction" in chinese.find("main").get_text()
    client.post("/language", data={"locale": "en"})
    english = page(client.get(f"/institutions/{successor.id}"))
    reasons = [dd.get_text(strip=True) for dd in english.select("dd")] + \
              [div.get_text(strip=True) for div in english.select(".timeline li div:not(.small)")]
    system_words = [text for text in reasons if "reduction" in text]
    assert system_words and all(text == f"Converted from academic institution No. {origin.id}: reduction"
                                for text in system_words), system_words
    assert not any(CJK.search(text) for text in system_words)
    edit = page(client.get(f"/institutions/{successor.id}/edit"))
    assert edit.find(id="registration_reason").get_text().strip() == f"Converted from academic institution No. {origin.id}: reduction"
    # Saved back unchanged from the English form, it stays the system's words, in Chinese for a Chinese reader.
    values = {f["name"]: f.get("value", "") for f in edit.select("input[name]")}
    values.update({s["name"]: (s.select_one("option[selected]") or s.select_one("option"))["value"] for s in edit.select("select[name]")})
    values.update(registration_reason=edit.find(id="registration_reason").get_text().strip(), contact_phone="13905770000")
    assert client.post(f"/institutions/{successor.id}/edit", data=values).status_code == 302
    client.post("/language", data={"locale": "zh_CN"})
    assert f"由编号{origin.id}的学科类机构转型：reduction" in page(client.get(f"/institutions/{successor.id}")).find("main").get_text()
