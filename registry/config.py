"""Settings, read from environment variables in one place (listed in README.md)."""
from __future__ import annotations

import json
import os
from datetime import date
import secrets
from pathlib import Path

from registry.core.models import LOCAL_TIMEZONE

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Mainland China, roughly: the jurisdiction when REGISTRY_BOUNDS is unset.
COUNTRY_BOUNDS = (73.4, 18.1, 135.1, 53.6)

DEFAULT_CATEGORY_DEPARTMENTS = {
    "academic": "edu",
    "tech": "tech",
    "arts": "culture",
    "sports": "sports",
}


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the app refuses to start."""


def parse_bounds(text: str | None) -> tuple[float, float, float, float]:
    if not text:
        return COUNTRY_BOUNDS
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in text.split(","))
    except ValueError:
        raise ConfigError(f"REGISTRY_BOUNDS must be min_lon,min_lat,max_lon,max_lat, not {text!r}")
    if not (min_lon < max_lon and min_lat < max_lat):
        raise ConfigError(f"REGISTRY_BOUNDS is empty: {text!r}")
    return min_lon, min_lat, max_lon, max_lat


def parse_category_departments(text: str | None) -> dict[str, str]:
    """`academic:edu,tech:tech,...` → {"academic": "edu", ...}; unset keeps the default mapping."""
    if not text:
        return dict(DEFAULT_CATEGORY_DEPARTMENTS)
    mapping = dict(DEFAULT_CATEGORY_DEPARTMENTS)
    for pair in text.split(","):
        category, sep, department = pair.strip().partition(":")
        if not sep or category not in DEFAULT_CATEGORY_DEPARTMENTS or not department:
            raise ConfigError(f"REGISTRY_CATEGORY_DEPARTMENTS: cannot read {pair!r}")
        mapping[category] = department
    return mapping


def parse_whole(name: str, text: str | None, default: int, *, low: int = 0) -> int:
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {text!r}")
    if value < low:
        raise ConfigError(f"{name} must be at least {low}, not {value}")
    return value


def parse_flag(name: str, text: str | None, default: bool) -> bool:
    if text in (None, ""):
        return default
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, not {text!r}")


def parse_yuan(name: str, text: str | None, default: int | None) -> int | None:
    """A yuan amount setting, as fen; `0` or `off` means no limit."""
    if text in (None, ""):
        return default
    if text.lower() in ("0", "off", "none"):
        return None
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ConfigError(f"{name} must be an amount in yuan, such as 5000, or 0 for none; not {text!r}")
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ConfigError(f"{name} must be a positive amount in yuan with at most two decimals, not {text!r}")
    return int(amount * 100)


def escrow_settings(env) -> dict:
    """The prepaid-fee rules a locality may set (DOMAIN.md's values as defaults)."""
    return {
        "REGISTRY_ESCROW_MAX_MONTHS": parse_whole("REGISTRY_ESCROW_MAX_MONTHS", env.get("REGISTRY_ESCROW_MAX_MONTHS"), 3, low=1),
        "REGISTRY_ESCROW_MAX_HOURS": parse_whole("REGISTRY_ESCROW_MAX_HOURS", env.get("REGISTRY_ESCROW_MAX_HOURS"), 60, low=1),
        "REGISTRY_ESCROW_CHARGE_CAP": parse_yuan("REGISTRY_ESCROW_CHARGE_CAP", env.get("REGISTRY_ESCROW_CHARGE_CAP"), 500_000),
        "REGISTRY_ESCROW_MONTHS_BEFORE_START": parse_whole(
            "REGISTRY_ESCROW_MONTHS_BEFORE_START", env.get("REGISTRY_ESCROW_MONTHS_BEFORE_START"), 1),
        "REGISTRY_ESCROW_MIN_COVERAGE": parse_whole("REGISTRY_ESCROW_MIN_COVERAGE", env.get("REGISTRY_ESCROW_MIN_COVERAGE"), 100, low=1),
        "REGISTRY_ESCROW_DEPOSIT_REQUIRED": parse_flag("REGISTRY_ESCROW_DEPOSIT_REQUIRED", env.get("REGISTRY_ESCROW_DEPOSIT_REQUIRED"), True),
        "REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS": parse_whole(
            "REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS", env.get("REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS"), 3, low=1),
        "REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS": parse_whole(
            "REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS", env.get("REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS"), 1, low=1),
        "REGISTRY_ESCROW_BALANCE_TOLERANCE": parse_yuan(
            "REGISTRY_ESCROW_BALANCE_TOLERANCE", env.get("REGISTRY_ESCROW_BALANCE_TOLERANCE"), None) or 0,
    }


def instance_secret_key(instance_path: str) -> str:
    """The demo's secret key: generated once, then kept in the instance folder."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


DEMO_MARKER = "demo.json"


def instance_folder() -> str | None:
    """REGISTRY_INSTANCE_DIR: where the demo keeps its database, key and uploads (Flask's default when unset)."""
    folder = os.environ.get("REGISTRY_INSTANCE_DIR")
    return str(Path(folder).resolve()) if folder else None


def mark_demo(instance_path: str, database_url: str, bounds: str, city: str = "") -> None:
    """Record that this instance folder holds the demo on `database_url`, so the README's other commands run on
    it as the demo does (its kept key, its city's bounds and code) without REGISTRY_ENV=development."""
    path = Path(instance_path) / DEMO_MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"database_url": database_url, "bounds": bounds, "city": city}), encoding="utf-8")


def demo_marker(instance_path: str, database_url: str) -> dict | None:
    """The demo's record when this instance folder holds the demo on this very database, else None."""
    try:
        marker = json.loads((Path(instance_path) / DEMO_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("database_url") == database_url else None


def from_environment(instance_path: str, *, demo: bool = False) -> dict:
    env = os.environ
    database_url = env.get("REGISTRY_DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'registry.sqlite'}"
    # An explicit REGISTRY_ENV=production never runs as the demo, whatever the instance folder holds.
    marker = None if demo or env.get("REGISTRY_ENV") == "production" else demo_marker(instance_path, database_url)
    production = env.get("REGISTRY_ENV", "production") == "production" and not demo and marker is None
    secret = env.get("REGISTRY_SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "REGISTRY_SECRET_KEY is not set: set it to a long random string, or run `registry demo` "
                "(which keeps its own key in the instance folder), or set REGISTRY_ENV=development."
            )
        secret = instance_secret_key(instance_path)
    bounds = env.get("REGISTRY_BOUNDS") or (marker or {}).get("bounds")
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REGISTRY_BOUNDS": parse_bounds(bounds),
        # The city whose districts every district picker offers first; unset: the city with the most institutions.
        "REGISTRY_CITY": (env.get("REGISTRY_CITY") or (marker or {}).get("city") or "").strip(),
        "REGISTRY_CATEGORY_DEPARTMENTS": parse_category_departments(env.get("REGISTRY_CATEGORY_DEPARTMENTS")),
        "REGISTRY_REDIS_URL": env.get("REGISTRY_REDIS_URL"),
        "REGISTRY_DATABASE_CONNECT_TIMEOUT": parse_whole(
            "REGISTRY_DATABASE_CONNECT_TIMEOUT", env.get("REGISTRY_DATABASE_CONNECT_TIMEOUT"), 5, low=1),
        "REGISTRY_DATABASE_STATEMENT_TIMEOUT": parse_whole(
            "REGISTRY_DATABASE_STATEMENT_TIMEOUT", env.get("REGISTRY_DATABASE_STATEMENT_TIMEOUT"), 30),
        "REGISTRY_PROXY_COUNT": parse_whole("REGISTRY_PROXY_COUNT", env.get("REGISTRY_PROXY_COUNT"), 0),
        "REGISTRY_LOGIN_MAX_FAILURES": int(env.get("REGISTRY_LOGIN_MAX_FAILURES", "5")),
        "REGISTRY_LOGIN_LOCK_MINUTES": int(env.get("REGISTRY_LOGIN_LOCK_MINUTES", "15")),
        "REGISTRY_TOKEN_HOURS": int(env.get("REGISTRY_TOKEN_HOURS", "12")),
        "SESSION_COOKIE_SECURE": production and env.get("REGISTRY_INSECURE_COOKIES") != "1",
        **escrow_settings(env),
        **grid_settings(env),
        "REGISTRY_LEAD_DAYS": parse_whole("REGISTRY_LEAD_DAYS", env.get("REGISTRY_LEAD_DAYS"), 15, low=1),
        "REGISTRY_PUBLIC_LEAD_LIMIT": env.get("REGISTRY_PUBLIC_LEAD_LIMIT") or "5 per hour",
        **reports_settings(env),
        **staff_settings(env),
        **annual_settings(env),
    }


def staff_settings(env) -> dict:
    """The staff rules a locality may set, and the key of the ID numbers' digest (default: the secret key)."""
    categories = env.get("REGISTRY_STAFF_TEACHER_CERT_CATEGORIES", "academic")
    return {
        "REGISTRY_STAFF_DIGEST_KEY": env.get("REGISTRY_STAFF_DIGEST_KEY") or None,
        "REGISTRY_STAFF_CHECK_MONTHS": parse_whole("REGISTRY_STAFF_CHECK_MONTHS", env.get("REGISTRY_STAFF_CHECK_MONTHS"),
                                                   12, low=1),
        "REGISTRY_STAFF_FULL_TIME_MIN_PCT": parse_whole(
            "REGISTRY_STAFF_FULL_TIME_MIN_PCT", env.get("REGISTRY_STAFF_FULL_TIME_MIN_PCT"), 50),
        "REGISTRY_STAFF_TEACHER_CERT_CATEGORIES": frozenset(c.strip() for c in categories.split(",") if c.strip()),
    }


def annual_settings(env) -> dict:
    """The annual inspection's: the cut-off day (MM-DD; licensed after it, an institution is exempt that year) and the
    points of 合格 and 基本合格."""
    cutoff = env.get("REGISTRY_ANNUAL_CUTOFF") or "10-01"
    try:
        month, day = (int(part) for part in cutoff.split("-"))
        date(2024, month, day)
    except ValueError:
        raise ConfigError(f"REGISTRY_ANNUAL_CUTOFF must be a day of the year as MM-DD, not {cutoff!r}.")
    passed = parse_whole("REGISTRY_ANNUAL_PASS_POINTS", env.get("REGISTRY_ANNUAL_PASS_POINTS"), 70, low=1)
    basic = parse_whole("REGISTRY_ANNUAL_BASIC_POINTS", env.get("REGISTRY_ANNUAL_BASIC_POINTS"), 60, low=1)
    if basic > passed:
        raise ConfigError("REGISTRY_ANNUAL_BASIC_POINTS cannot be above REGISTRY_ANNUAL_PASS_POINTS.")
    return {"REGISTRY_ANNUAL_CUTOFF": f"{month:02d}-{day:02d}", "REGISTRY_ANNUAL_PASS_POINTS": passed,
            "REGISTRY_ANNUAL_BASIC_POINTS": basic}


def reports_settings(env) -> dict:
    """The bulletin's baseline: the date the reduction of academic institutions is measured from (default the day
    the "double reduction" opinion was issued)."""
    text = env.get("REGISTRY_BULLETIN_BASELINE", "2021-07-24")
    try:
        baseline = date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"REGISTRY_BULLETIN_BASELINE must be a date as YYYY-MM-DD, not {text!r}.")
    return {"REGISTRY_BULLETIN_BASELINE": baseline}


def grid_settings(env) -> dict:
    """The grid's settings: border distance, visit check-in limits, the visit interval, uploads, the map's tiles."""
    def metres(name: str, default: int) -> float:
        return float(parse_whole(name, env.get(name), default))

    return {
        "REGISTRY_GRID_BORDER_M": metres("REGISTRY_GRID_BORDER_M", 30),
        "REGISTRY_GRID_OVERLAP_M2": metres("REGISTRY_GRID_OVERLAP_M2", 100),
        "REGISTRY_VISIT_MAX_DISTANCE_M": metres("REGISTRY_VISIT_MAX_DISTANCE_M", 200),
        "REGISTRY_VISIT_MAX_ACCURACY_M": metres("REGISTRY_VISIT_MAX_ACCURACY_M", 100),
        "REGISTRY_VISIT_EVERY_MONTHS": parse_whole("REGISTRY_VISIT_EVERY_MONTHS", env.get("REGISTRY_VISIT_EVERY_MONTHS"), 1, low=1),
        "REGISTRY_UPLOAD_DIR": env.get("REGISTRY_UPLOAD_DIR") or None,
        "REGISTRY_PHOTO_MAX_PIXELS": parse_whole("REGISTRY_PHOTO_MAX_PIXELS", env.get("REGISTRY_PHOTO_MAX_PIXELS"),
                                                 40_000_000, low=1),
        "REGISTRY_MAP_TILE_URL": env.get("REGISTRY_MAP_TILE_URL", ""),
    }


def translation_directories() -> str:
    """The app's catalog, then each area's own (registry/<area>/translations), merged by Flask-Babel."""
    package = Path(__file__).parent
    directories = [package / "translations", *sorted(package.glob("*/translations"))]
    return ";".join(str(directory) for directory in directories)


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": LOCAL_TIMEZONE.key,  # pages show stored times in the time zone dates are taken in
    "BABEL_TRANSLATION_DIRECTORIES": translation_directories(),
    "LANGUAGES": {"zh_CN": "中文", "en": "English"},
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    "PER_PAGE": 50,
    "REGISTRY_PASSWORD_HASH": "scrypt",
    "REGISTRY_PROXY_COUNT": 0,
    "REGISTRY_DATABASE_CONNECT_TIMEOUT": 5,
    "REGISTRY_DATABASE_STATEMENT_TIMEOUT": 30,
}
