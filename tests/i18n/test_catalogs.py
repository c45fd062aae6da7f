import re

from bcp_drill.i18n import catalog, language_from_locale, translate

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_catalogs_have_the_same_keys_and_placeholders():
    ja, en = catalog("ja"), catalog("en")
    singulars = {key for key in en if key.endswith("_one")}  # English's "1 drill": Japanese has no plural
    assert set(ja) == set(en) - singulars
    for key in ja:
        assert set(PLACEHOLDER.findall(ja[key])) == set(PLACEHOLDER.findall(en[key])), key
    for key in singulars:
        base = key.removesuffix("_one")
        assert base in en and set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(en[base])), key
        counted = [name for name in ("count", "problems", "files") if "{" + name + "}" in en[base]]
        assert counted[:1] and not (counted[0] != "count" and len(counted) > 1), key  # one number picks the form


def test_a_count_of_one_takes_the_singular_form_in_english():
    assert translate("en", "report.trend_heading", title="Quake", count=1) == "Quake: trend over 1 drill"
    assert translate("en", "report.trend_heading", title="Quake", count=2) == "Quake: trend over 2 drills"
    assert translate("en", "tui.step_count", count=0) == "0 steps"
    assert translate("ja", "tui.step_count", count=1) == translate("ja", "tui.step_count", count=2).replace("2", "1")
    assert "1 participant (" in translate("en", "report.exec_paragraph", count=1, names="山田")


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
                         r"""drill_type|ref_kind|session|error|objective|progress|figures|plain|report|settings|"""
                         r"""export|template|sheet)\.[a-z0-9_]+)["']""")
    catalog_ja = catalog("ja")
    missing = set()
    for path in source.rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in catalog_ja:
                missing.add(f"{path.name}: {key}")
    assert sorted(missing) == []


def test_every_key_built_from_a_value_exists():
    from typing import get_args

    from bcp_drill.content.loader import _ERROR_CODES
    from bcp_drill.content.models import DrillType
    from bcp_drill.drill.counts import StepStatus
    from bcp_drill.records.values import Capability, DrillRole, FollowUpStatus, Priority
    from bcp_drill.render.formats import REPORT_FORMATS as FORMATS
    from bcp_drill.settings import Source
    from bcp_drill.tui.screens.followups import FILTERS

    families = {
        "drill_type": [d.value for d in DrillType], "status": [s.value for s in StepStatus],
        "priority": list(get_args(Priority)),
        "capability": list(get_args(Capability)), "followup_status": list(get_args(FollowUpStatus)),
        "drill_role": list(get_args(DrillRole)), "settings_source": list(get_args(Source)),
        "problem": list(_ERROR_CODES.values()), "kind": ["drill", "review", "scenario", "checklist", "scale"],
        "export": [f"format_{f}" for f in FORMATS], "followups": [f"filter_{f}" for f in FILTERS],
        "objective": [f"basis_{b}" for b in ("rated", "not_done", "not_performed", "skipped", "open")],
        "tui": ["theme_default", "theme_high_contrast", "chrome_ascii", "chrome_unicode",
                "participant_format", "participant_role"],
    }
    for lang in ("ja", "en"):
        table = catalog(lang)
        missing = [f"{family}.{value}" for family, values in families.items() for value in values
                   if f"{family}.{value}" not in table]
        assert missing == [], lang


def _error_raises():
    """(file, line, catalog key, parameter names given) for every user error raised with a literal code."""
    import ast
    from pathlib import Path

    areas = {"SessionRefused": "session", "RecordClosed": "session", "SettingsError": "settings",
             "JournalError": "journal", "UserError": "error", "OutputRefused": "output"}
    source = Path(__file__).resolve().parents[2] / "src" / "bcp_drill"
    found = []
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in areas):
                continue
            name = node.func.id
            code_at = 1 if name == "JournalError" else 0
            if len(node.args) <= code_at or not isinstance(node.args[code_at], ast.Constant):
                continue
            given = {k.arg for k in node.keywords if k.arg} | {"path", "line", "column"}
            if any(k.arg is None for k in node.keywords):
                given.add("*")  # **params: checked where they are built
            found.append((path.name, node.lineno, f"{areas[name]}.{node.args[code_at].value}", given))
    return found


def test_every_user_error_raised_has_a_message_with_every_placeholder_filled():
    raises = _error_raises()
    assert len(raises) > 40  # the scan finds the raise sites
    problems = []
    for lang in ("ja", "en"):
        table = catalog(lang)
        for name, line, key, given in raises:
            if key not in table:
                problems.append(f"{name}:{line}: {key} is not in {lang}.toml")
            elif "*" not in given:
                missing = set(PLACEHOLDER.findall(table[key])) - given
                if missing:
                    problems.append(f"{name}:{line}: {key} leaves {sorted(missing)} unfilled")
    assert problems == []


def test_a_journal_message_names_the_line_it_is_about():
    from pathlib import Path

    from bcp_drill.i18n import Translator
    from bcp_drill.records.journal import JournalError

    error = JournalError(Path("r.jsonl"), "journal_corrupt", 7, detail="not JSON")
    assert error.message(Translator("en")) == translate("en", "journal.journal_corrupt", line=7, detail="not JSON")
    assert "{" not in error.render(Translator("ja")) and "7" in error.render(Translator("ja"))
    assert translate("en", "journal.journal_corrupt") .count("{") == 0  # a forgotten value shows as "-"
