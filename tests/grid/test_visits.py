"""Site visits: the check-in and its distance, off-site flags, photos, reports, drafts sent twice, the round."""
import io
from datetime import timedelta

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from registry.core.models import utcnow
from registry.extensions import db
from registry.grid.models import Visit, VisitReport
from registry.grid.signals import visit_reported
from tests.conftest import page

ALL_GOOD = {"operating": True, "permit_displayed": True, "academic_signs": False, "students_in_school_hours": False,
            "advertising": False, "fire_exits_clear": True}
# The same answers as the phone form posts them.
FORM_ANSWERS = {f"checklist-{key}": "yes" if value else "no" for key, value in ALL_GOOD.items()}


@pytest.fixture
def beat(grid, make_institution, runner):
    """The `grid` worker answers for the west district; one institution inside, one in the east."""
    inside = make_institution(latitude=28.005, longitude=120.65, name="西区艺术培训学校")
    outside = make_institution(latitude=28.005, longitude=120.67, name="东区体育培训中心", category="sports")
    assert runner.invoke(args=["grid-worker", "grid", "D1"]).exit_code == 0
    return inside, outside


def photo(fmt="JPEG", *, gps=True) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    out = io.BytesIO()
    if fmt == "JPEG" and gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif.get_ifd(0x8825).update({1: "N", 2: (28.0, 0.0, 18.0), 3: "E", 4: (120.0, 39.0, 0.0)})
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def test_a_visit_on_site_by_api(beat, token_for, client):
    inside, _ = beat
    headers = token_for("grid")
    response = client.post("/api/v1/visits", headers=headers, json={
        "institution_id": inside.id, "latitude": 28.0051, "longitude": 120.6501, "accuracy": 12,
        "checklist": ALL_GOOD, "notes": "正常营业", "client_id": "phone-0001-abcdef"})
    assert response.status_code == 201, response.json
    visit = response.json
    assert 10 < visit["distance_m"] < 20 and visit["flagged"] is False and visit["flag_reason"] is None
    assert visit["cell"] == "D1001" and visit["reported_to"] is None
    # The same draft again (the first answer was lost): the same visit, nothing new.
    again = client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.0051, "longitude": 120.6501, "accuracy": 12,
        "client_id": "phone-0001-abcdef"})
    assert again.status_code == 200 and again.json["id"] == visit["id"]
    assert db.session.query(Visit).count() == 1


def test_far_or_imprecise_check_ins_are_saved_and_flagged(beat, token_for, client, as_user):
    inside, _ = beat
    headers = token_for("grid")
    far = client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.008, "longitude": 120.65, "accuracy": 10})
    assert far.status_code == 201
    assert far.json["flagged"] and far.json["flag_reason"] == "distance" and 300 < far.json["distance_m"] < 360
    vague = client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 850})
    assert vague.json["flagged"] and vague.json["flag_reason"] == "accuracy"
    typed = client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "position_source": "manual"})
    assert typed.json["flag_reason"] == "manual"
    # Supervisors see the flagged ones.
    flagged = client.get("/api/v1/visits?flagged=true", headers=token_for("market")).json
    assert flagged["total"] == 3
    listed = page(as_user("arts").get("/grid/visits?flagged=1"))
    assert len(listed.select("tbody tr")) == 3 and "西区艺术培训学校" in listed.get_text()
    assert "0 " not in listed.select_one("h1 small").get_text()


def test_distance_and_accuracy_limits_are_settings(app, beat, token_for, client):
    inside, _ = beat
    app.config["REGISTRY_VISIT_MAX_DISTANCE_M"] = 500
    response = client.post("/api/v1/visits", headers=token_for("grid"), json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.008, "longitude": 120.65, "accuracy": 10})
    assert response.json["flagged"] is False


def test_a_grid_worker_visits_only_their_cells(beat, token_for, client):
    _, outside = beat
    headers = token_for("grid")
    response = client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
        "institution_id": outside.id, "latitude": 28.005, "longitude": 120.67, "accuracy": 5})
    assert response.status_code == 403
    officer = client.post("/api/v1/visits", headers=token_for("arts"), json={"checklist": ALL_GOOD,
        "institution_id": outside.id, "latitude": 28.005, "longitude": 120.67, "accuracy": 5})
    assert officer.status_code == 403


def test_bad_input_is_named(beat, token_for, client):
    inside, _ = beat
    response = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": inside.id, "latitude": 128.0, "longitude": "east", "checklist": {"smoking": True},
        "visited_at": (utcnow() + timedelta(days=2)).isoformat() + "Z"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"latitude", "longitude", "checklist", "visited_at"}


def test_a_problem_is_reported_to_the_supervising_department(beat, token_for, client):
    inside, _ = beat
    received = []

    def receiver(sender, report):
        received.append((report.visit_id, report.department_code, list(report.findings)))

    visit_reported.connect(receiver)
    try:
        response = client.post("/api/v1/visits", headers=token_for("grid"), json={
            "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8,
            "checklist": {**ALL_GOOD, "academic_signs": True, "fire_exits_clear": False}, "notes": "发现学科类教材"})
    finally:
        visit_reported.disconnect(receiver)
    visit = response.json
    assert visit["reported_to"] == "culture" and visit["findings"] == ["academic_signs", "fire_exits_clear"]
    assert received == [(visit["id"], "culture", ["academic_signs", "fire_exits_clear"])]
    report = db.session.query(VisitReport).one()
    assert report.notes == "发现学科类教材" and report.institution_id == inside.id


def test_the_phone_form_with_photos(beat, as_user, tmp_path, app):
    inside, _ = beat
    app.config["REGISTRY_UPLOAD_DIR"] = str(tmp_path / "uploads")
    client = as_user("grid")
    form = page(client.get(f"/grid/institutions/{inside.id}/visit"))
    assert form.select_one("#visit-form") and len(form.select(".check-row")) == 6
    assert form.select_one("script[src$='grid/visit.js']") and not form.select("script:not([src])")
    data = {"client_id": "form-draft-000001", "position_source": "gps", "latitude": "28.00505", "longitude": "120.65",
            "accuracy": "9", "visited_at": "", "notes": "张贴招生广告", **FORM_ANSWERS, "checklist-advertising": "yes",
            "photos": [(io.BytesIO(photo("JPEG")), "shop.jpg"), (io.BytesIO(photo("PNG")), "sign.png"),
                       (io.BytesIO(photo("WEBP")), "door.webp")]}
    response = client.post(f"/grid/institutions/{inside.id}/visit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    visit = db.session.query(Visit).one()
    assert [p.content_type for p in visit.photos] == ["image/jpeg", "image/png", "image/webp"]
    assert visit.report is not None and visit.report.findings == ["advertising"]
    shown = page(client.get(response.headers["Location"]))
    assert "文化广电旅游局" in shown.select_one(".alert-info").get_text()  # reported to the supervising department
    assert len(shown.select(".photos img")) == 3
    stored = client.get(shown.select(".photos img")[0]["src"])
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(stored.data))
    assert not image.getexif().get_ifd(0x8825) and 0x010F not in image.getexif()  # location and camera gone
    # Only those who may see the visit see its photos.
    assert as_user("tech").get(shown.select(".photos img")[0]["src"]).status_code == 403
    assert as_user("arts").get(shown.select(".photos img")[0]["src"]).status_code == 200


def test_photos_are_checked_by_content(beat, as_user, tmp_path, app):
    inside, _ = beat
    app.config["REGISTRY_UPLOAD_DIR"] = str(tmp_path / "uploads")
    client = as_user("grid")
    data = {"latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS,
            "photos": [(io.BytesIO(b"%PDF-1.4 not a photo"), "photo.jpg")]}
    response = client.post(f"/grid/institutions/{inside.id}/visit", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "photo.jpg" in page(response).get_text()
    seven = {"latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS,
             "photos": [(io.BytesIO(photo("PNG")), f"{n}.png") for n in range(7)]}
    response = client.post(f"/grid/institutions/{inside.id}/visit", data=seven, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.query(Visit).count() == 0


def test_the_round_shows_last_visit_and_overdue(beat, token_for, client, as_user):
    inside, _ = beat
    client.post("/api/v1/visits", headers=token_for("grid"), json={"checklist": ALL_GOOD,
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8,
        "visited_at": (utcnow() - timedelta(days=3)).isoformat() + "Z"})
    shown = page(as_user("grid").get("/grid/round"))
    items = shown.select(".round-item")
    assert len(items) == 1 and "西区艺术培训学校" in items[0].get_text()
    assert "overdue" not in items[0]["class"]
    assert "东区体育培训中心" not in shown.get_text()


def test_never_visited_is_overdue(beat, as_user):
    shown = page(as_user("grid").get("/grid/round?overdue=1"))
    items = shown.select(".round-item.overdue")
    assert len(items) == 1 and "从未走访" in items[0].get_text()


def test_admin_assigns_grid_workers_on_the_cell_page(grid, as_user, users):
    client = as_user("admin")
    response = client.post("/grid/cells/D2", data={"username": "grid", "leader": "y"})
    assert response.status_code == 302
    shown = page(client.get("/grid/cells/D2"))
    assert "grid" in shown.select_one(".panel ul.plain").get_text()
    assert as_user("grid").get("/grid/cells/D2").status_code == 200
    assert as_user("grid").get("/grid/cells/D1").status_code == 403
    removed = as_user("admin").post("/grid/cells/D2/workers/remove", data={"username": "grid"})
    assert removed.status_code == 302
    assert as_user("grid").get("/grid/cells/D2").status_code == 403


def test_six_photos_fit_above_the_apps_usual_request_limit(app, beat, as_user, tmp_path):
    inside, _ = beat
    app.config["REGISTRY_UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["MAX_CONTENT_LENGTH"] = 1024  # far below one photo: the visit form makes room for its photos
    data = {"latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS,
            "photos": [(io.BytesIO(photo("PNG")), f"{n}.png") for n in range(6)]}
    response = as_user("grid").post(f"/grid/institutions/{inside.id}/visit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(db.session.query(Visit).one().photos) == 6


def test_visits_api_filters(beat, token_for, client):
    inside, _ = beat
    headers = token_for("grid")
    for latitude in (28.005, 28.009):
        client.post("/api/v1/visits", headers=headers, json={"checklist": ALL_GOOD,
            "institution_id": inside.id, "latitude": latitude, "longitude": 120.65, "accuracy": 8})
    assert client.get("/api/v1/visits?cell=D1", headers=headers).json["total"] == 2
    assert client.get("/api/v1/visits?cell=D1&flagged=false", headers=headers).json["total"] == 1
    assert client.get(f"/api/v1/visits?institution_id={inside.id}&flagged=true", headers=headers).json["total"] == 1
    assert client.get("/api/v1/visits?cell=D2", headers=headers).status_code == 403  # not the worker's cell
    assert client.get("/api/v1/visits?flagged=maybe", headers=headers).status_code == 422
    assert client.get("/api/v1/visits", headers=token_for("sports")).json["total"] == 0  # another department's


def test_the_map_shows_a_grid_worker_their_cells(beat, as_user):
    data = as_user("grid").get("/grid/map/data.json").json
    assert sorted(f["id"] for f in data["cells"]["features"]) == ["D1", "D1001", "D1002"]
    assert [m["name"] for m in data["institutions"]] == ["西区艺术培训学校"]
    everything = as_user("market").get("/grid/map/data.json").json
    assert len(everything["cells"]["features"]) == 4 and len(everything["institutions"]) == 2
    counts = {f["id"]: f["properties"]["institutions"] for f in everything["cells"]["features"]}
    assert counts == {"D1": 1, "D1001": 1, "D1002": 0, "D2": 1}


def test_supervisors_see_overdue_visits_of_their_department(beat, as_user):
    shown = page(as_user("arts").get("/grid/round?overdue=1"))
    assert shown.select_one("h1").get_text().startswith("走访到期情况")
    assert [a.get_text() for a in shown.select(".round-item .round-name")] == ["西区艺术培训学校"]
    assert page(as_user("sports").get("/grid/round?overdue=1")).select(".round-item .round-name")[0].get_text() == "东区体育培训中心"


def test_a_visit_must_say_what_was_found(beat, token_for, client, as_user):
    """An empty visit is refused (page and API): it would clear the overdue mark having checked nothing."""
    inside, _ = beat
    empty = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8})
    assert empty.status_code == 422 and set(empty.json["error"]["fields"]) == {"checklist"}
    assert empty.json["error"]["fields"]["checklist"] == ["请回答检查清单的每一项。"]
    half = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8,
        "checklist": {"operating": True, "advertising": False}})
    assert half.status_code == 422 and "checklist" in half.json["error"]["fields"]
    worker = as_user("grid")
    answered = {"checklist-operating": "yes", "checklist-advertising": "no"}
    response = worker.post(f"/grid/institutions/{inside.id}/visit", data={
        "latitude": "28.005", "longitude": "120.65", "accuracy": "9", "notes": "门口无人", **answered})
    assert response.status_code == 422
    shown = page(response)
    assert "请回答检查清单的每一项。" in shown.select_one("#checklist .error").get_text()
    unanswered = [row.select_one(".item").get_text() for row in shown.select(".check-row.unanswered")]
    assert unanswered == ["办学许可证公示上墙", "非学科类机构存在学科类培训迹象", "在校时间有学生参加培训", "消防通道畅通"]
    assert shown.select_one("input[name=checklist-operating][value=yes]").has_attr("checked")  # what was typed stays
    assert shown.select_one("#notes").get_text().strip() == "门口无人"
    assert db.session.query(Visit).count() == 0
    assert page(worker.get("/grid/round")).select(".round-item.overdue")


def test_could_not_inspect_is_kept_with_its_reason_and_leaves_the_visit_due(beat, token_for, client, as_user):
    inside, _ = beat
    headers = token_for("grid")
    bare = client.post("/api/v1/visits", headers=headers, json={
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8, "outcome": "closed"})
    assert bare.status_code == 422 and set(bare.json["error"]["fields"]) == {"outcome_reason"}
    answered = client.post("/api/v1/visits", headers=headers, json={
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8, "outcome": "refused",
        "outcome_reason": "前台拒绝", "checklist": ALL_GOOD})
    assert answered.status_code == 422 and set(answered.json["error"]["fields"]) == {"checklist"}
    unknown = client.post("/api/v1/visits", headers=headers, json={
        "institution_id": inside.id, "latitude": 28.005, "longitude": 120.65, "accuracy": 8, "outcome": "maybe"})
    assert unknown.status_code == 422 and set(unknown.json["error"]["fields"]) == {"outcome"}
    # On the phone: the worker picks "closed" and says why; answers ticked before are not what counts.
    worker = as_user("grid")
    response = worker.post(f"/grid/institutions/{inside.id}/visit", data={
        "latitude": "28.005", "longitude": "120.65", "accuracy": "9", "outcome": "closed",
        "outcome_reason": "卷帘门紧闭，张贴停业通知", "checklist-operating": "no"}, follow_redirects=True)
    shown = page(response)
    assert response.status_code == 200 and "走访已保存。" in shown.select_one(".flash").get_text()
    details = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in shown.select(".details dt")}
    assert details["能否入内检查？"] == "未能检查：关门停业" and details["未能检查的原因"] == "卷帘门紧闭，张贴停业通知"
    assert "未入内检查：该机构仍待走访。" in shown.get_text() and not shown.select(".answers-seen li")
    visit = client.get("/api/v1/visits", headers=headers).json["items"][0]
    assert visit["outcome"] == "closed" and visit["checklist"] == {} and visit["reported_to"] is None
    listed = page(as_user("arts").get("/grid/visits")).select_one("tbody tr")
    assert "未能检查：关门停业" in listed.get_text()
    panel = page(as_user("arts").get(f"/institutions/{inside.id}")).select_one(".grid-panel ul.plain")
    assert "未能检查：关门停业" in panel.get_text()
    # Still overdue: nothing was inspected.
    [item] = page(worker.get("/grid/round")).select(".round-item")
    assert "overdue" in item["class"] and "从未走访" in item.get_text()
    # Signing in as others ended the worker's API token: the inspected visit is made on the phone's form.
    worker = as_user("grid")
    inspected = worker.post(f"/grid/institutions/{inside.id}/visit", data={
        "latitude": "28.005", "longitude": "120.65", "accuracy": "8", "outcome": "inspected", **FORM_ANSWERS})
    assert inspected.status_code == 302
    [item] = page(worker.get("/grid/round")).select(".round-item")
    assert "overdue" not in item["class"]


def test_each_answer_says_what_it_means(beat, as_user):
    """No bare 是/否 whose meaning flips between items: each answer in the item's words, the problem one marked."""
    inside, _ = beat
    form = page(as_user("grid").get(f"/grid/institutions/{inside.id}/visit"))
    rows = {row.select_one(".item").get_text(): row for row in form.select(".check-row")}
    words = {item: [a.select_one("span").get_text() for a in row.select(".answer")] for item, row in rows.items()}
    assert words["正常开门营业"] == ["正常营业", "未营业"]
    assert words["存在违规广告宣传"] == ["未发现", "发现违规广告"]
    assert words["消防通道畅通"] == ["畅通", "堵塞"]
    for item, row in rows.items():
        good, bad = row.select(".answer")
        assert "problem" in bad["class"] and bad.select_one(".problem-mark").get_text() == "问题"
        assert "problem" not in good["class"] and not good.select(".problem-mark")
    # The problem answer posts the item's problem value: advertising seen is advertising = yes, not open is no.
    assert rows["存在违规广告宣传"].select(".answer")[1].input["value"] == "yes"
    assert rows["正常开门营业"].select(".answer")[1].input["value"] == "no"
    outcome = [a.get_text(" ", strip=True) for a in form.select(".outcome .answer")]
    assert outcome == ["已入内检查", "未能检查：关门停业", "未能检查：拒绝进入"]
    # The distance to the institution is worked out on the phone from these, before anything is sent.
    assert (float(form.select_one("#visit-form")["data-latitude"]), float(form.select_one("#visit-form")["data-longitude"])) \
        == (28.005, 120.65)
    assert form.select_one("#visit-form")["data-max-distance"] == "200"
    # The answers' words are the checklist's own: the register's filter still reads 清除 (clear), not 畅通.
    assert "清除" in [a.get_text() for a in page(as_user("market").get("/institutions")).select(".filters a")]


def test_a_draft_sent_by_the_page_keeps_its_saved_message(beat, as_user):
    """visit.js posts the draft with fetch: the answer names the visit instead of redirecting, so the message
    "saved" is still waiting when the phone opens the visit (a followed redirect spent it in the background)."""
    inside, _ = beat
    worker = as_user("grid")
    response = worker.post(f"/grid/institutions/{inside.id}/visit", headers={"X-Visit-Draft": "1"}, data={
        "client_id": "draft-saved-0001", "latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS})
    assert response.status_code == 200 and response.json["url"].startswith("/grid/visits/")
    shown = page(worker.get(response.json["url"]))
    assert [p.get_text() for p in shown.select(".flash")] == ["走访已保存。"]


def big_png(width: int, height: int) -> bytes:
    """A PNG of one colour: a few hundred kilobytes that decode to width × height × 3 bytes."""
    out = io.BytesIO()
    Image.new("L", (width, height), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(app, beat, as_user, tmp_path, monkeypatch):
    inside, _ = beat
    app.config["REGISTRY_UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["REGISTRY_PHOTO_MAX_PIXELS"] = 1_000_000
    bomb = big_png(1500, 1000)
    assert len(bomb) < 20_000  # small on the wire, 1.5 Mpx once decoded
    decoded, load = [], ImageFile.ImageFile.load

    def spy(self):
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    response = as_user("grid").post(f"/grid/institutions/{inside.id}/visit", data={
        "latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS,
        "photos": [(io.BytesIO(bomb), "bomb.png")]}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "bomb.png 为 1500 × 1000 像素，照片最多 1 百万像素。" in page(response).get_text()
    assert decoded == [] and db.session.query(Visit).count() == 0


def test_the_pixel_budget_is_a_setting_of_40_million_by_default():
    from registry.config import grid_settings

    assert grid_settings({})["REGISTRY_PHOTO_MAX_PIXELS"] == 40_000_000
    assert grid_settings({"REGISTRY_PHOTO_MAX_PIXELS": "12000000"})["REGISTRY_PHOTO_MAX_PIXELS"] == 12_000_000


def test_no_metadata_survives_the_re_encoding(beat, as_user, tmp_path, app):
    """EXIF, the JPEG comment, XMP, the ICC profile and PNG text: none is in the stored photo."""
    inside, _ = beat
    app.config["REGISTRY_UPLOAD_DIR"] = str(tmp_path / "uploads")
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    jpeg, png = io.BytesIO(), io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(jpeg, format="JPEG", exif=exif, comment=b"GPS 28.0051,120.6501 by phone-owner", icc_profile=icc,
               xmp=b"<x:xmpmeta>owner</x:xmpmeta>")
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "owner 13800000000")
    image.save(png, format="PNG", pnginfo=text, icc_profile=icc)
    worker = as_user("grid")
    response = worker.post(f"/grid/institutions/{inside.id}/visit", data={
        "latitude": "28.005", "longitude": "120.65", "accuracy": "9", **FORM_ANSWERS,
        "photos": [(io.BytesIO(jpeg.getvalue()), "door.jpg"), (io.BytesIO(png.getvalue()), "sign.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    shown = page(worker.get(response.headers["Location"]))
    stored = [worker.get(img["src"]).data for img in shown.select(".photos img")]
    assert len(stored) == 2
    for data in stored:
        assert b"owner" not in data and b"PhoneMaker" not in data and b"28.0051" not in data
        with Image.open(io.BytesIO(data)) as again:
            assert not again.getexif() and not again.info.get("icc_profile") and "comment" not in again.info
            assert not any(key in again.info for key in ("xmp", "XML:com.adobe.xmp", "Comment"))
    assert stored[0][2:4] != b"\xff\xfe"  # no COM segment right after SOI either


def test_the_cell_page_names_its_level_and_count_and_links_only_what_the_user_may_open(grid, as_user, users,
                                                                                      make_institution):
    admin = page(as_user("admin").get("/grid/cells/D1001"))
    details = {dt.get_text(): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in admin.select(".details dt")}
    assert details["层级"] == "街道" and details["机构数"] == "0" and "机构名录" not in details
    assert "导入" in "".join(details) and ".geojson" not in details.get("来源", "")
    assert [h.get_text() for h in admin.select("h2")][-1] == "本网格内机构"
    levels = [row.select("td")[2].get_text() for row in page(as_user("admin").get("/grid/cells")).select("tbody tr")]
    assert levels == ["区县", "区县"]
    # The grid worker answers for D1001 only: the district above it is named, not linked (it would be a 403).
    assert as_user("admin").post("/grid/cells/D1001", data={"username": "grid"}).status_code == 302
    worker = as_user("grid")
    shown = page(worker.get("/grid/cells/D1001"))
    crumbs = shown.select_one(".crumbs")
    assert "西区" in crumbs.get_text() and [a["href"] for a in crumbs.select("a")] == ["/grid/cells"]
    assert all(worker.get(a["href"]).status_code == 200 for a in shown.select("main a[href^='/grid/']"))
    # The institution page's grid panel likewise.
    inside = make_institution(latitude=28.005, longitude=120.65)
    panel = page(worker.get(f"/institutions/{inside.id}")).select_one(".grid-panel dd")
    assert "西区 › 西区南网格" in panel.get_text() and [a["href"] for a in panel.select("a")] == ["/grid/cells/D1001"]
