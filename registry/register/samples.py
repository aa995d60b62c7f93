"""Realistic, reproducible sample institutions for demos, tests and benchmarks.

A pure module (stdlib, shapely, python-stdnum only): it knows nothing of the app's models.
`generate_institutions` yields one dict of strings per institution, ready for `csv.DictWriter`
with `FIELDS` as the header. The same seed always gives the same rows.

Two status mixes:

- "register": a register at scale (any n): mostly licensed, some applied, suspended and
  deregistered, few revoked and rejected; no academic institution carries an enterprise code.
- "demo": a few hundred rows that show every case the app handles: academic institutions closed by
  the 2021 reduction except 3, at least 3 rows of every other status, and exactly 2 academic
  institutions with an enterprise (`91`) credit code, a violation the app flags. The guarantees
  need n of about 100 or more.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import shape
from stdnum.cn import uscc

FIELDS = (
    "name", "credit_code", "category", "permit_number", "address", "district",
    "latitude", "longitude", "legal_representative", "contact_phone", "floor_area",
    "capacity", "teaching_mode", "status", "licensed_on",
)

CATEGORIES = ("academic", "tech", "arts", "sports")
STATUSES = ("applied", "licensed", "suspended", "revoked", "deregistered", "rejected")
STATUS_MIXES = ("register", "demo")

# Academic about 8% after the reduction; the rest split as Wenzhou's 2022 non-academic register:
# tech 171, sports 698, arts 2,203.
CATEGORY_WEIGHTS = {"academic": 8.0, "tech": 92 * 171 / 3072, "arts": 92 * 2203 / 3072,
                    "sports": 92 * 698 / 3072}
REGISTER_STATUS_WEIGHTS = {"licensed": 80, "applied": 5, "suspended": 3, "deregistered": 9,
                           "revoked": 1, "rejected": 2}
# Demo non-academic rows: drawn by these weights after a guaranteed quota of each status.
DEMO_STATUS_WEIGHTS = {"licensed": 86, "applied": 3, "suspended": 3, "deregistered": 5,
                       "revoked": 1, "rejected": 2}
DEMO_STATUS_QUOTA = 3  # rows of each non-licensed status the demo always contains
DEMO_ACADEMIC_LICENSED = 3  # academic institutions left after the reduction (Wenzhou: 1,032 → 3)
DEMO_ACADEMIC_ENTERPRISES = 2  # academic rows with a `91` code, for the app to flag

ENTERPRISE_SHARE = 0.3  # non-academic institutions registered as companies (`91`) not non-profits
NEW_PERMIT_SHARE = 0.2  # permits in the newer 15-digit form
ONLINE_SHARE = 0.08
MOBILE_SHARE = 0.8

NEVER_LICENSED = frozenset({"applied", "rejected"})
FIRST_LICENCE = dt.date(2016, 1, 1)
LAST_LICENCE = dt.date(2026, 10, 31)
# The 2021 "double reduction" opinion: no academic institution is licensed after it.
LAST_ACADEMIC_LICENCE = dt.date(2021, 7, 23)

MIN_AREA_TENTHS, MAX_AREA_TENTHS = 800, 15000  # floor area 80.0–1,500.0 m², kept in tenths
MIN_M2_PER_STUDENT = 3

# ---------------------------------------------------------------- word lists

BRANDS = """
新华 启明 星火 博雅 育才 阳光 未来 明日 晨光 朝阳 春蕾 希望 彩虹 蓝天 白云 金桥 银河 星辰 启航 远航
扬帆 飞翔 腾飞 雏鹰 雄鹰 小鹿 天鹅 百灵 海燕 青松 翠竹 红枫 童心 童趣 快乐 智慧 睿智 聪慧 书香 墨香
艺苑 艺林 文华 博文 博学 明德 厚德 立德 知行 致远 精诚 恒心 思源 启智 启蒙 开元 开明 光明 东方 华夏
九州 长城 江南 北辰 紫金 金色 橄榄 向阳 葵花 小树 森林 绿洲 海豚 蓝鲸 熊猫 小熊 小象 麒麟 凤凰 卓越
优才 英才 群英 精英 菁英 才俊 求是 求真 尚美 至善 明远 鸿志 鸿鹄 鲲鹏 乐学 乐思 思齐 弘毅 嘉禾 嘉华
润华 华韵 韵律 天籁 乐韵 悦动 动感 活力 健康 奔跑 超越 冠军 领航 引航 追梦 梦想 筑梦 圆梦 七彩 五彩
缤纷 繁星 星光 月亮 太阳 晨曦 曙光 黎明 旭日 春晖 春雨 夏荷 秋实 冬青 四季 青苗 新苗 幼苗 萌芽 起点
方圆 方舟 灯塔 火炬 星空 宇航 银杏 梧桐 香樟 木棉 丁香 百合 兰亭 竹林 松林 山海 江海 大地 蓝海 浪花
贝壳 珍珠 翡翠 水晶 琥珀 锦程 锦绣 鼎盛 恒远 宏图 华英 育英 树人 启迪 博思 慧思 新星 明星 童星 天使
""".split()

# Subject phrases per category, already in the form they take in a name ("编程科技培训中心").
SUBJECTS = {
    "academic": "学科 英语 数学 语文 作文 文化 外语 教育 物理 化学 学业 阅读".split(),
    "tech": ("编程科技 机器人科技 科学实验 航模科技 人工智能科技 创客科技 科技 少儿编程 信息学 "
             "无人机科技 电子科技 青少年科技 科普 科创").split(),
    "arts": ("艺术 舞蹈 舞蹈艺术 美术 书法 书画 钢琴 钢琴艺术 声乐 音乐 戏剧 表演艺术 播音主持 口才 "
             "器乐 古筝 小提琴 民族音乐 拉丁舞 街舞 动漫美术 文化艺术 少儿艺术 陶艺 摄影").split(),
    "sports": ("体育 游泳 篮球 足球 跆拳道 武术 乒乓球 羽毛球 网球 击剑 轮滑 田径 体操 围棋 象棋 "
               "国际象棋 跳绳 排球 攀岩 空手道 柔道 体适能 青少年体育 棋院").split(),
}
NON_PROFIT_SUFFIXES = ("培训学校", "培训学校", "培训学校", "培训中心", "培训中心")
ENTERPRISE_SUFFIX = "培训有限公司"  # only ever on a `91` enterprise code

# Subdistricts (街道), towns (镇) and branch names: generic words, not any one city's.
PLACES = """
城东 城西 城南 城北 城中 城关 新城 东城 西城 南城 北城 南湖 东湖 北湖 南山 东山 西山 江北 江南 河西
滨江 新桥 大桥 石桥 新塘 横塘 白沙 青山 南浦 西湖 望江 临江 湖滨 莲池 凤凰 龙山 金山 银湖 花园 桂园
""".split()
TOWNS = "大桥 石桥 新塘 横塘 白沙 青山 马岭 黄田 东溪 西溪 南塘 北塘 龙湖 仙桥 塘口 柳河 三江 桥头".split()
ROADS = """
人民路 解放街 中山路 建设路 文化路 学院路 新华街 胜利路 和平路 友谊路 光明路 幸福路 东风路 团结路
振兴路 发展大道 世纪大道 滨江路 江滨路 环城东路 环城西路 府前街 县前街 公园路 朝阳路 育才路 书院街
锦绣路 长春路 兴业路 工业路 站前路 车站大道 新城大道 金融街 商城路 市府路 教育路 体育路 民主路 劳动路
前进路 南京路 北京路 上海路 广场路 花园路 百花路 桂花路 梅园路 竹园路 凤凰路 龙腾路 望江路 临江路
沿河路 河滨路 湖滨路 翠微路 清风路 明珠路 文昌路 学府路 银河路 双龙路 兴华路 安澜路 江城路 汇昌街
""".split()

SURNAMES = """
王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田
董 潘 袁 蔡 蒋 余 于 杜 叶 程 魏 苏 吕 丁 任 卢 姚 沈 钟 姜 崔 谭 陆 范 汪 廖 石 金 韦 贾 夏 付 方 邹
熊 白 孟 秦 邱 侯 江 尹 薛 段 雷 龙 黎 史 陶 贺 毛 郝 顾 龚 邵 万 钱 戴 严 季 项 池 欧阳 诸葛 司马
""".split()
# Frequent surnames come first; weight them down the list so 王, 李, 张 are the commonest.
SURNAME_CUM_WEIGHTS = list(itertools.accumulate(1 / (i + 10) for i in range(len(SURNAMES))))
GIVEN_NAME_CHARS = """
伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 萍 红 建 文 辉 力 鹏 宇 浩
晨 欣 怡 婷 雪 琳 晶 慧 颖 佳 嘉 俊 志 海 峰 斌 波 丹 云 燕 莉 梅 兰 凤 洁 倩 博 帆 凯 琪 瑶 璐 晓 思
雨 子 梓 涵 轩 睿 泽 楠 蕾 薇 昊 晗 宁 安 成 国 荣 春 东 亮 永 林 振 德 新 锋 清 飞 彬 立 松 源 恒
""".split()

MOBILE_SECOND_DIGITS = "3333355555778889996"  # 13x and 15x commonest; no 14x (data-only SIMs)

# ---------------------------------------------------------------- districts


@dataclass(frozen=True)
class District:
    code: str  # 6-digit administrative division code (adcode)
    name: str
    geometry: object  # shapely (Multi)Polygon in WGS-84 lon/lat


def load_districts(geojson_path: str | Path) -> list[District]:
    """Districts of a GeoJSON FeatureCollection whose features carry `adcode` and `name`.

    An invalid polygon (real boundary files have them) is repaired with make_valid so that
    point-in-polygon tests are well defined.
    """
    with open(geojson_path, encoding="utf-8") as f:
        collection = json.load(f)
    districts = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
        props = feature["properties"]
        districts.append(District(code=str(props["adcode"]), name=props["name"], geometry=geometry))
    return districts


class _PointSampler:
    """Random points strictly inside one district, found by rejection sampling in batches.

    Candidates are drawn in the bounding box and tested together with one vectorised
    `shapely.contains_xy` call on the prepared geometry; rounding to 6 decimals comes before the
    test so the published coordinates themselves lie inside.
    """

    BATCH = 256

    def __init__(self, geometry, rng: random.Random):
        shapely.prepare(geometry)
        self.geometry = geometry
        self.bounds = geometry.bounds
        self.rng = rng
        self.pool: deque[tuple[float, float]] = deque()

    def next_point(self) -> tuple[float, float]:
        while not self.pool:
            self._refill()
        return self.pool.popleft()

    def _refill(self) -> None:
        minx, miny, maxx, maxy = self.bounds
        uniform = self.rng.uniform
        xs = [round(uniform(minx, maxx), 6) for _ in range(self.BATCH)]
        ys = [round(uniform(miny, maxy), 6) for _ in range(self.BATCH)]
        inside = shapely.contains_xy(self.geometry, xs, ys)
        self.pool.extend((x, y) for x, y, ok in zip(xs, ys, inside) if ok)


# ---------------------------------------------------------------- credit codes and permits

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11714 character values: digits as themselves, letters A=10 … Z=35.
_GB11714_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
ORGANISATION_SERIAL_SPACE = 31 ** 6  # six USCC characters after the two-letter prefix
# Codes issued since 2015 carry an organisation code starting MA (enterprises, market regulation)
# or MJ (non-profits, civil affairs).
ORGANISATION_PREFIX = {"91": "MA", "52": "MJ"}


def organisation_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(_GB11714_VALUES[c] * w for c, w in zip(body, ORGANISATION_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _base31(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(USCC_ALPHABET[digit])
    return "".join(reversed(chars))


class _CreditCodes:
    """Unique credit codes: the i-th code's organisation serial is an affine permutation of i.

    (a·i + b) mod 31⁶ with a coprime to 31 is a bijection, so codes are unique for up to 31⁶
    institutions without remembering the ones already issued, and still look random.
    """

    def __init__(self, rng: random.Random):
        self.multiplier = rng.randrange(1, ORGANISATION_SERIAL_SPACE)
        while self.multiplier % 31 == 0:
            self.multiplier = rng.randrange(1, ORGANISATION_SERIAL_SPACE)
        self.offset = rng.randrange(ORGANISATION_SERIAL_SPACE)
        self.issued = 0

    def issue(self, kind: str, region: str) -> str:
        serial = (self.multiplier * self.issued + self.offset) % ORGANISATION_SERIAL_SPACE
        self.issued += 1
        body = ORGANISATION_PREFIX[kind] + _base31(serial, 6)
        first17 = kind + region + body + organisation_check_char(body)
        code = first17 + uscc.calc_check_digit(first17)
        if not uscc.is_valid(code):  # never expected; a broken fixture is worse than a crash
            raise AssertionError(f"generated an invalid credit code {code}")
        return code


class _PermitNumbers:
    """Permit numbers, serial per district (2004 form) or per district and year (newer form)."""

    def __init__(self):
        self.serials: dict[str, int] = {}
        self.yearly_serials: dict[tuple[str, int], int] = {}

    def issue(self, region: str, year: int, newer_form: bool) -> str:
        if newer_form:
            serial = self.yearly_serials.get((region, year), 0) + 1
            if serial < 10_000:
                self.yearly_serials[region, year] = serial
                return f"教民{region}7{year}{serial:04d}"  # 15 digits
        serial = self.serials.get(region, 0) + 1
        if serial >= 1_000_000:
            raise ValueError(f"more than 999,999 permits in district {region}")
        self.serials[region] = serial
        return f"教民{region}7{serial:06d}"  # 13 digits


# ---------------------------------------------------------------- status plans


def _weighted_picker(weights: dict[str, float]):
    items = list(weights)
    cum = list(itertools.accumulate(weights.values()))
    total = cum[-1]
    return lambda rng: items[bisect.bisect_right(cum, rng.random() * total)]


def _register_plan(n: int, rng: random.Random) -> Iterator[tuple[str, str, bool]]:
    """(category, status, is_enterprise) for each row of a register at scale."""
    pick_category = _weighted_picker(CATEGORY_WEIGHTS)
    pick_status = _weighted_picker(REGISTER_STATUS_WEIGHTS)
    for _ in range(n):
        category = pick_category(rng)
        enterprise = category != "academic" and rng.random() < ENTERPRISE_SHARE
        yield category, pick_status(rng), enterprise


def _demo_plan(n: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """(category, status, is_enterprise) for each demo row, with every case the demo must show."""
    counts = _split_exactly(n, CATEGORY_WEIGHTS)
    plan = []
    # The reduction closed all academic institutions but a few; one still licensed and one
    # closed carry an enterprise code.
    academic = counts.pop("academic")
    flagged = {0, academic - 1} if academic >= 2 else {0}
    for i in range(academic):
        status = "licensed" if i < DEMO_ACADEMIC_LICENSED else "deregistered"
        plan.append(("academic", status, i in flagged))

    categories = [c for c, k in counts.items() for _ in range(k)]
    rng.shuffle(categories)
    quota = [s for s in DEMO_STATUS_WEIGHTS if s != "licensed" for _ in range(DEMO_STATUS_QUOTA)]
    pick_status = _weighted_picker(DEMO_STATUS_WEIGHTS)
    for i, category in enumerate(categories):
        status = quota[i] if i < len(quota) else pick_status(rng)
        plan.append((category, status, rng.random() < ENTERPRISE_SHARE))
    rng.shuffle(plan)
    return plan


def _split_exactly(n: int, weights: dict[str, float]) -> dict[str, int]:
    """n split in proportion to weights, rounding by largest remainder so the counts sum to n."""
    total = sum(weights.values())
    shares = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(s) for k, s in shares.items()}
    by_remainder = sorted(weights, key=lambda k: counts[k] - shares[k])
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


# ---------------------------------------------------------------- the generator


def generate_institutions(
    n: int,
    *,
    seed: int,
    districts: list[District],
    status_mix: str = "register",
    address_prefix: str = "浙江省温州市",
    area_code: str = "0577",
) -> Iterator[dict]:
    """Yield n institution records (dicts of strings keyed by FIELDS) spread over districts.

    address_prefix is the province and city every address starts with; the city name used in
    institution names is its last part ("温州市"). area_code is the landline prefix.
    """
    if status_mix not in STATUS_MIXES:
        raise ValueError(f"status_mix must be one of {STATUS_MIXES}, not {status_mix!r}")
    if not districts:
        raise ValueError("no districts to place institutions in")
    rng = random.Random(seed)
    plan = _demo_plan(n, rng) if status_mix == "demo" else _register_plan(n, rng)
    return _generate(plan, rng, districts, address_prefix, area_code)


def _generate(plan, rng, districts, address_prefix, area_code) -> Iterator[dict]:
    city = _city_name(address_prefix)
    samplers = {d.code: _PointSampler(d.geometry, rng) for d in districts}
    credit_codes = _CreditCodes(rng)
    permits = _PermitNumbers()
    taken_names: set[str] = set()

    for category, status, enterprise in plan:
        district = rng.choice(districts)
        kind = "91" if enterprise else "52"
        longitude, latitude = samplers[district.code].next_point()
        licensed_on = _licence_date(rng, category, status)
        permit = ""
        if licensed_on:
            newer_form = rng.random() < NEW_PERMIT_SHARE
            permit = permits.issue(district.code, licensed_on.year, newer_form)
        area_tenths = _floor_area_tenths(rng)
        yield {
            "name": _unique_name(rng, category, enterprise, district.name, city, taken_names),
            "credit_code": credit_codes.issue(kind, district.code),
            "category": category,
            "permit_number": permit,
            "address": _address(rng, address_prefix, district.name),
            "district": district.code,
            "latitude": f"{latitude:.6f}",
            "longitude": f"{longitude:.6f}",
            "legal_representative": _person_name(rng),
            "contact_phone": _phone(rng, area_code),
            "floor_area": f"{area_tenths // 10}.{area_tenths % 10}",
            "capacity": str(_capacity(rng, area_tenths)),
            "teaching_mode": "online" if rng.random() < ONLINE_SHARE else "offline",
            "status": status,
            "licensed_on": licensed_on.isoformat() if licensed_on else "",
        }


def _city_name(address_prefix: str) -> str:
    """"浙江省温州市" → "温州市"; "北京市" → "北京市"."""
    return re.sub(r"^.*?(省|自治区)", "", address_prefix)


def _licence_date(rng, category: str, status: str) -> dt.date | None:
    if status in NEVER_LICENSED:
        return None
    last = LAST_ACADEMIC_LICENCE if category == "academic" else LAST_LICENCE
    return FIRST_LICENCE + dt.timedelta(days=rng.randrange((last - FIRST_LICENCE).days + 1))


# ---------------------------------------------------------------- names


def _unique_name(rng, category, enterprise, district_name, city, taken: set[str]) -> str:
    """A name not in taken (and added to it): a fresh draw, then a two-word brand, then a branch."""
    for brand_words in (None, 2, 2):
        name = _institution_name(rng, category, enterprise, district_name, city, brand_words)
        if name not in taken:
            taken.add(name)
            return name
    # Still taken: this is a branch of the same-named institution.
    branch_word = "分校" if name.endswith("学校") else "校区"
    for place in itertools.chain(rng.sample(PLACES, 5), (f"第{k}" for k in itertools.count(2))):
        branch = f"{name}（{place}{branch_word}）"
        if branch not in taken:
            taken.add(branch)
            return branch


def _institution_name(rng, category, enterprise, district_name, city, brand_words=None) -> str:
    if brand_words is None:
        brand_words = 2 if rng.random() < 0.2 else 1
    brand = "".join(rng.sample(BRANDS, brand_words))
    subject = rng.choice(SUBJECTS[category])
    suffix = ENTERPRISE_SUFFIX if enterprise else rng.choice(NON_PROFIT_SUFFIXES)
    return _name_prefix(rng, district_name, city) + brand + subject + suffix


def _name_prefix(rng, district_name: str, city: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return district_name
    # "温州市瑞安市…" is not how a county-level city's institutions are named.
    if roll < 0.65 and not district_name.endswith("市"):
        return city + district_name
    return city


def _person_name(rng) -> str:
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]
    given_length = 2 if rng.random() < 0.7 else 1
    return surname + "".join(rng.choices(GIVEN_NAME_CHARS, k=given_length))


# ---------------------------------------------------------------- contact and premises


def _address(rng, address_prefix: str, district_name: str) -> str:
    # Counties and county-level cities have towns (镇) besides subdistricts (街道).
    if district_name.endswith(("县", "市")) and rng.random() < 0.4:
        locality = rng.choice(TOWNS) + "镇"
    else:
        locality = rng.choice(PLACES) + "街道"
    number = rng.randint(1, 999) if rng.random() < 0.8 else rng.randint(1, 99)
    floor = rng.randint(1, 5)
    unit = rng.choice((
        "",
        f"{floor}楼",
        f"{floor}楼",
        f"{floor}楼{floor}{rng.randint(1, 20):02d}室",
        f"{rng.randint(1, 12)}幢{floor}楼",
    ))
    return f"{address_prefix}{district_name}{locality}{rng.choice(ROADS)}{number}号{unit}"


def _phone(rng, area_code: str) -> str:
    if rng.random() < MOBILE_SHARE:
        return f"1{rng.choice(MOBILE_SECOND_DIGITS)}{rng.randrange(10**9):09d}"
    return f"{area_code}-8{rng.randrange(10**7):07d}"


def _floor_area_tenths(rng) -> int:
    # Most premises are a few hundred m²; a long tail of large ones.
    tenths = round(rng.lognormvariate(7.9, 0.6))  # median ≈ 270 m²
    return min(max(tenths, MIN_AREA_TENTHS), MAX_AREA_TENTHS)


def _capacity(rng, area_tenths: int) -> int:
    # Integer arithmetic on tenths keeps capacity × 3 ≤ floor area exact.
    most = area_tenths // (10 * MIN_M2_PER_STUDENT)
    return max(1, int(most * rng.uniform(0.5, 1.0)))
