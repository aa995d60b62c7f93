"""The history of an institution as its readers see it: labels in their language, people by their names."""
from registry.extensions import db
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
