"""Both catalogues are complete, consistent, and used by the pages."""
import pytest

from tools import catalogs


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_catalogue_has_every_string(locale):
    gaps = catalogs.missing(locale)
    assert gaps == [], f"{len(gaps)} strings missing in {locale}: {gaps[:10]}"


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_placeholders_survive_translation(locale):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogs.load(locale).check()]
    assert problems == []


def test_login_page_in_both_languages(client):
    zh = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    en = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "登录" in zh and "Log in" not in zh
    assert "Log in" in en and "登录" not in en


def test_chinese_is_the_default(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
