"""Configuration: read from the environment here and only here."""
import os
import secrets
from pathlib import Path


def _instance_secret(instance_path):
    """Return the SECRET_KEY kept in instance/, generating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _hops(name):
    """How many reverse proxies to trust: a count, or a yes/no flag meaning one."""
    value = (os.environ.get(name) or "0").strip().lower()
    if value.isdigit():
        return int(value)
    return 1 if value in {"true", "yes", "on"} else 0


def normalize_database_url(url):
    """Plain postgresql:// (or postgres://) URLs use psycopg 3, the driver we install."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _cli_locale():
    """Command-line output follows the shell's language (LANG=zh_CN.UTF-8 gives Chinese)."""
    lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh" if lang.lower().startswith("zh") else "en"


def from_env(instance_path, overrides=None):
    """Build the configuration mapping from environment variables with sane defaults."""
    overrides = overrides or {}
    db_path = Path(instance_path) / "propmgmt.sqlite3"
    secure_cookies = _flag("PROPMGMT_SECURE_COOKIES", True)
    cookie_prefix = "__Host-" if secure_cookies else ""
    return {
        "SECRET_KEY": (overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
                       or _instance_secret(instance_path)),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{db_path}")),
        "PROPMGMT_TIMEZONE": os.environ.get("PROPMGMT_TIMEZONE", "Asia/Shanghai"),
        "CLI_LOCALE": os.environ.get("PROPMGMT_CLI_LOCALE") or _cli_locale(),
        "SESSION_COOKIE_NAME": f"{cookie_prefix}session",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": f"{cookie_prefix}remember_token",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PROPMGMT_PROXY_FIX": _hops("PROPMGMT_PROXY_FIX"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;20 per hour"),
        "API_TOKEN_TTL_HOURS": int(os.environ.get("API_TOKEN_TTL_HOURS", "720")),
        "UPLOAD_DIR": os.environ.get("PROPMGMT_UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "FORCE_HTTPS": _flag("PROPMGMT_FORCE_HTTPS", False),
    }


STATIC = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": {"zh": "中文", "en": "English"},
    "BOOTSTRAP_SERVE_LOCAL": True,
    "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
    "MAX_PHOTO_BYTES": 8 * 1024 * 1024,
    "MAX_DOCUMENT_BYTES": 20 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    "UPLOAD_RATE_LIMIT": "60 per hour;300 per day",  # files per user (photos, reports)
    "PASSWORD_MIN_SCORE": 2,  # zxcvbn 0-4: 2 stops common passwords, patterns, names, dates
    "API_TITLE": "propmgmt API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    "ROSTER_MAX_ROWS": 20000,
}
