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


def test_every_literal_key_in_the_code_is_in_the_catalog():
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "src" / "bcp_drill"
    pattern = re.compile(r"""(?:\bt\(|"|')((?:cli|tui|keys|review|tally|followups|journal|problem|hint|status|"""
                         r"""rating|drill_role|capability|priority|followup_status|settings_source|kind|"""
                         r"""drill_type|ref_kind)\.[a-z0-9_]+)["']""")
    catalog_ja = catalog("ja")
    missing = set()
    for path in source.rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in catalog_ja:
                missing.add(f"{path.name}: {key}")
    assert sorted(missing) == []
