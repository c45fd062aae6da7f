import re

from bcp_drill.i18n import catalog, language_from_locale, translate

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_catalogs_have_the_same_keys_and_placeholders():
    ja, en = catalog("ja"), catalog("en")
    assert set(ja) == set(en)
    for key in ja:
        assert set(PLACEHOLDER.findall(ja[key])) == set(PLACEHOLDER.findall(en[key])), key


def test_translate_formats_and_falls_back():
    assert translate("en", "cli.validate_ok", files=3) == "Checked 3 files: no problems."
    assert translate("ja", "cli.validate_ok", files=3) == "3 個のファイルを検査しました。問題はありません。"
    assert translate("en", "no.such.key") == "no.such.key"


def test_language_from_locale():
    assert language_from_locale({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert language_from_locale({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}) == "en"
    assert language_from_locale({}) == "en"
