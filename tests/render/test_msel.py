"""The injects table (状況付与表) out to a spreadsheet, edited as a city would, and back in."""

import csv
import io
import shutil

import pytest
from openpyxl import Workbook, load_workbook

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from conftest import REPO
from support.drills import FakeClock, make_store


@pytest.fixture
def city(tmp_path, monkeypatch, capsys):
    """A working folder with its own copy of the shipped scenarios (the ones it edits)."""
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))

    def run(*args, lang="ja"):
        code = main([*args, "--records", str(tmp_path / "records"), "--lang", lang])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def scenario_file(tmp_path):
    return tmp_path / "scenarios" / "earthquake-offhours.yaml"


def reload(tmp_path):
    library = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path)
    assert library.problems == []
    return library.scenario("earthquake-offhours")


def test_export_has_the_planners_columns_in_japanese(city, tmp_path):
    code, out, _ = city("injects", "export", "earthquake-offhours", "-o", "msel.xlsx")
    assert code == 0
    sheet = load_workbook(tmp_path / "msel.xlsx")["状況付与表"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["付与番号", "付与時刻", "発信元", "付与先", "伝達手段", "付与内容"]
    assert "期待される対応行動" in headers and "担当コントローラー" in headers and "予備" in headers
    first = [c.value for c in sheet[2]]
    assert first[:2] == ["i01", "0:00"] and first[3] == "ICT部門責任者（情報政策課長）"
    code, csv_out, _ = city("injects", "export", "earthquake-offhours", "--format", "csv")
    assert csv_out.startswith("\ufeff付与番号,付与時刻,")  # BOM: Japanese Excel opens it as UTF-8


def test_a_sheet_with_its_own_column_order_comes_back_into_the_scenario(city, tmp_path):
    city("injects", "export", "earthquake-offhours", "-o", "msel.xlsx")
    exported = load_workbook(tmp_path / "msel.xlsx")["状況付与表"]
    rows = [[c.value for c in row] for row in exported.iter_rows()]
    headers = rows[0]
    # The city's own layout: content first, the ID last, and two columns it does not use left out.
    order = ["付与内容", "付与時刻", "発信元", "付与先", "伝達手段", "狙い", "期待される対応行動", "予備", "付与番号"]
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["令和7年度 総合防災訓練 状況付与表"])  # a title row above the header
    sheet.append(order)
    for row in rows[1:]:
        if row[0] == "i07":
            continue  # not on the city's sheet: kept in the scenario
        values = dict(zip(headers, row, strict=True))
        if values["付与番号"] == "i03":
            values["付与内容"] = "サーバ室の空調が停止。室温は38度。"
        sheet.append([values[h] for h in order])
    sheet.append(["震度5強の余震。作業を中断。", "4:30", "気象庁", "インフラ担当", "緊急速報メール",
                  "obj-assess", "作業を中断し安全を確保する", "○", "i08"])  # an objective by its id
    book.save(tmp_path / "city.xlsx")
    before = scenario_file(tmp_path).read_text(encoding="utf-8")

    code, out, err = city("injects", "import", "city.xlsx", "--scenario", "earthquake-offhours")
    assert code == 0, out + err
    assert "追加 1・更新 1・変更なし 5・表にないため残したもの 1" in out and "i07" in out
    after = scenario_file(tmp_path).read_text(encoding="utf-8")
    assert after.splitlines()[:3] == before.splitlines()[:3]  # the file's own comments are kept
    quake = reload(tmp_path)
    assert quake.inject("i03").content.ja == "サーバ室の空調が停止。室温は38度。"
    assert quake.inject("i03").content.en  # the English text is kept beside the edited Japanese
    new = quake.inject("i08")
    assert (new.at_minutes, new.recipient, new.contingency, new.objectives) == (270, "infra", True, ["obj-assess"])
    assert new.expected_action.ja == "作業を中断し安全を確保する"
    assert [i.id for i in quake.injects] == ["i01", "i02", "i03", "i04", "i05", "i06", "i08", "i07"]
    # ...and a drill of the scenario gives out the edited injects.
    library = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path)
    clock = FakeClock()
    session = DrillSession.start(make_store(tmp_path, clock), library.scenarios["earthquake-offhours"], "tabletop")
    clock.advance(minutes=45)
    given = {e.inject_id: e for e in session.deliver_due_injects()}
    assert session.state.delivered["i03"].inject.content.ja == "サーバ室の空調が停止。室温は38度。"
    assert "i08" not in given and "i08" in [i.id for i in session.state.pending_injects()]  # by hand only
    session.close()


def test_a_sheet_with_problems_changes_nothing_and_names_each_cell(city, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "状況付与表"
    sheet.append(["付与番号", "付与時刻", "発信元", "付与先", "伝達手段", "付与内容", "予備", "備考欄"])
    sheet.append(["i01", "あとで", "気象庁", "インフラ担当", "テレビ", "地震発生", "", ""])
    sheet.append(["i01", "0:10", "本部", "広報担当", "電話", "", "たぶん", ""])
    book.save(tmp_path / "bad.xlsx")
    before = scenario_file(tmp_path).read_bytes()
    code, out, _ = city("injects", "import", "bad.xlsx", "--scenario", "earthquake-offhours")
    assert code == 1
    assert "状況付与表!H1: 見出し「備考欄」はどの列にも当たりません" in out
    city("injects", "import", "bad.xlsx", "--scenario", "earthquake-offhours")  # (again: still nothing written)
    book = load_workbook(tmp_path / "bad.xlsx")
    book["状況付与表"].delete_cols(8)
    book.save(tmp_path / "bad.xlsx")
    code, out, _ = city("injects", "import", "bad.xlsx", "--scenario", "earthquake-offhours")
    assert code == 1
    assert "状況付与表!B2: 付与時刻「あとで」は読めません" in out
    assert "状況付与表!A3: 付与番号「i01」が重複しています（最初は 状況付与表!A2）" in out
    assert "状況付与表!D3: 役割「広報担当」はこのシナリオにありません" in out
    assert "状況付与表!F3: 付与内容 が空です" in out
    assert "状況付与表!G3: 「たぶん」は予備かどうかとして読めません" in out
    assert "シナリオは変更していません" in out
    assert scenario_file(tmp_path).read_bytes() == before


def test_a_shift_jis_csv_from_excel_imports_and_names_lines(city, tmp_path):
    csv_text = ("付与番号,付与先,付与内容,発信元,伝達手段,付与時刻\r\n"
                "i02,ICT部門責任者（情報政策課長）,回答率60%。,安否確認システム,システム画面,0:20\r\n"
                "i09,インフラ担当,発電機が停止,施設管理事業者,電話,25:00x\r\n")
    (tmp_path / "injects.csv").write_bytes(csv_text.encode("cp932"))
    code, out, _ = city("injects", "import", "injects.csv", "--scenario", "earthquake-offhours")
    assert code == 1 and "injects.csv:3: 付与時刻「25:00x」は読めません" in out
    code, out, err = import_city_csv(city, tmp_path, csv_text.replace("25:00x", "25:00"))
    assert code == 0, out + err
    quake = reload(tmp_path)
    assert (quake.inject("i02").at_minutes, quake.inject("i02").content.ja) == (20, "回答率60%。")
    assert quake.inject("i09").at_minutes == 25 * 60


def test_inject_cards_print_four_to_a_page_with_the_controller_part_apart(city, tmp_path):
    code, _, _ = city("injects", "cards", "earthquake-offhours", "-o", "cards.html")
    assert code == 0
    html = (tmp_path / "cards.html").read_text(encoding="utf-8")
    assert html.count('<div class="card">') == 7
    assert "統制用" in html
    assert "気象庁（テレビ・緊急速報メール） -&gt; ICT部門責任者（情報政策課長）" in html
    # Laid out on A4 (WeasyPrint, the PDF engine): four cards on the first page, the other three on
    # the next, none on a page of its own (page 1 held two and page 3 one).
    from weasyprint import HTML

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from boxes(child)

    pages = HTML(string=html, base_url=str(tmp_path)).render().pages
    per_page = [len({id(b.element) for b in boxes(page._page_box)
                     if getattr(b, "element", None) is not None and b.element.get("class") == "card"})
                for page in pages]
    assert per_page == [4, 3], per_page


def test_a_sheet_without_some_columns_leaves_those_fields_alone(city, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["付与番号", "付与内容"])
    sheet.append(["i05", "データセンターは正常。回線断。"])
    book.save(tmp_path / "short.xlsx")
    before = reload(tmp_path).inject("i05")
    code, out, err = city("injects", "import", "short.xlsx", "--scenario", "earthquake-offhours")
    assert code == 0, out + err
    after = reload(tmp_path).inject("i05")
    assert after.content.ja == "データセンターは正常。回線断。"
    assert (after.sender, after.channel, after.recipient, after.at_minutes, after.steps) == (
        before.sender, before.channel, before.recipient, before.at_minutes, before.steps)


def test_a_time_of_day_is_never_read_as_time_after_t0_and_excel_times_are_read(city, tmp_path):
    """13:30 typed for a one-hour drill became T+13:30 without a word; it is refused with its
    cell. A time Excel stores for 0:20 (read back as 00:20:00) is T+0:20; T+13:30 written out is
    taken as written."""
    from datetime import time

    import yaml

    city("injects", "export", "safety-callin-drill", "-o", "msel.xlsx")
    book = load_workbook(tmp_path / "msel.xlsx")
    sheet = book["状況付与表"]
    sheet["B2"] = "13:30"
    sheet["B3"] = time(0, 20)  # what Excel stores when someone types 0:20
    sheet["B3"].number_format = "h:mm"
    book.save(tmp_path / "msel.xlsx")
    path = tmp_path / "scenarios" / "safety-callin-drill.yaml"
    before = path.read_text(encoding="utf-8")
    code, out, err = city("injects", "import", "msel.xlsx", "--scenario", "safety-callin-drill", lang="en")
    assert code == 1 and path.read_text(encoding="utf-8") == before
    assert "状況付与表!B2: \"13:30\" is later than anything in the scenario" in out + err
    sheet["B2"] = "T+13:30"
    book.save(tmp_path / "msel.xlsx")
    code, out, err = city("injects", "import", "msel.xlsx", "--scenario", "safety-callin-drill", lang="en")
    assert code == 0, out + err
    injects = yaml.safe_load(path.read_text(encoding="utf-8"))["injects"]
    assert [i.get("at_minutes") for i in injects][:2] == [13 * 60 + 30, 20]


def test_every_scenarios_own_export_imports_back_unchanged(city, tmp_path):
    """Round trip on every shipped scenario, one with an objective whose title holds "、" (it was
    split into two unknown objectives): the injects read back are the injects exported."""
    library = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path)
    scenario = library.scenario("earthquake-office-tsunami")
    aimed = next(o for o in scenario.objectives if any(o.id in i.objectives for i in scenario.injects))
    path = tmp_path / "scenarios" / "earthquake-office-tsunami.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(aimed.title.ja) == 1
    path.write_text(text.replace(aimed.title.ja, "安否確認、参集の完了"), encoding="utf-8")
    for scenario_id in sorted(ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path).scenarios):
        before = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path).scenario(scenario_id)
        code, out, err = city("injects", "export", scenario_id, "-o", f"{scenario_id}.xlsx", "--force")
        assert code == 0, out + err
        code, out, err = city("injects", "import", f"{scenario_id}.xlsx", "--scenario", scenario_id)
        assert code == 0, (scenario_id, out + err)
        after = ContentLibrary.load([tmp_path / "scenarios"], cwd=tmp_path).scenario(scenario_id)
        assert [i.model_dump() for i in after.injects] == [i.model_dump() for i in before.injects], scenario_id


def test_an_import_that_changes_nothing_rewrites_nothing(city, tmp_path):
    path = tmp_path / "scenarios" / "earthquake-offhours.yaml"
    before = path.read_bytes()
    city("injects", "export", "earthquake-offhours", "-o", "msel.xlsx")
    code, out, _ = city("injects", "import", "msel.xlsx", "--scenario", "earthquake-offhours")
    assert code == 0 and "はそのままです" in out and "変更なし 7 件" in out
    assert path.read_bytes() == before  # comments, order and layout kept byte for byte


def test_full_width_inject_ids_are_the_same_ids(city, tmp_path):
    city("injects", "export", "earthquake-offhours", "-o", "msel.xlsx")
    book = load_workbook(tmp_path / "msel.xlsx")
    sheet = book["状況付与表"]
    assert sheet["A3"].value == "i02"
    sheet["A3"] = "ｉ０２"  # as Japanese input often types it
    sheet["F3"] = "回答率50%。"
    book.save(tmp_path / "msel.xlsx")
    code, out, err = city("injects", "import", "msel.xlsx", "--scenario", "earthquake-offhours")
    assert code == 0, out + err
    assert "追加 0・更新 1" in out
    assert reload(tmp_path).inject("i02").content.ja == "回答率50%。"


def import_city_csv(city, tmp_path, csv_text):
    """CSV_TEXT saved as Japanese Excel saves it (Shift_JIS) and imported into earthquake-offhours."""
    (tmp_path / "injects.csv").write_bytes(csv_text.encode("cp932"))
    return city("injects", "import", "injects.csv", "--scenario", "earthquake-offhours", "-o",
                "scenarios/earthquake-offhours.yaml")


def test_a_note_row_and_blank_rows_in_the_citys_table_are_skipped_and_named(city, tmp_path):
    """Cities write notes under their table (※…) and leave blank rows: a row holding one piece of
    text that is no inject id is skipped with a notice naming its cell, never read as an inject."""
    csv_text = ("付与番号,付与先,付与内容,発信元,伝達手段,付与時刻\r\n"
                "i02,ICT部門責任者（情報政策課長）,回答率60%。,安否確認システム,システム画面,0:20\r\n"
                ",,,,,\r\n"
                "※時刻は発災からの経過時間（T+）で記入する,,,,,\r\n")
    code, out, err = import_city_csv(city, tmp_path, csv_text)
    assert code == 0, out + err
    assert ("injects.csv:4: 注記の行として読み飛ばしました"
            "（この行には「※時刻は発災からの経過時間（T+）で記入する」だけがあります）") in out
    quake = reload(tmp_path)
    assert quake.inject("i02").at_minutes == 20
    assert all(not i.id.startswith("※") for i in quake.injects)


def test_the_citys_own_columns_are_read_kept_and_exported_again(city, tmp_path):
    """付与者 and 対象, as a city heads them, are the controller and the recipient; 備考 is kept
    with the inject and comes back in the exported sheet, unchanged."""
    csv_text = ("付与番号,対象,付与内容,発信元,伝達手段,付与時刻,付与者,備考\r\n"
                "i02,ICT部門責任者（情報政策課長）,回答率60%。,安否確認システム,システム画面,0:20,"
                "ICT部門責任者（情報政策課長）,前回は回答率の読み上げが遅れた\r\n")
    code, out, err = import_city_csv(city, tmp_path, csv_text)
    assert code == 0, out + err
    quake = reload(tmp_path)
    i02 = quake.inject("i02")
    assert i02.remarks is not None and i02.remarks.ja == "前回は回答率の読み上げが遅れた"
    assert i02.controller == i02.recipient and quake.role(i02.recipient).title.ja.startswith("ICT部門責任者")
    code, _, _ = city("injects", "export", "earthquake-offhours", "--format", "csv", "-o", "out.csv")
    assert code == 0
    exported = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8-sig"))))
    column = exported[0].index("備考")
    [row] = [r for r in exported if r[0] == "i02"]
    assert row[column] == "前回は回答率の読み上げが遅れた"
    # ...and imports back as it was: nothing changes.
    code, out, _ = city("injects", "import", "out.csv", "--scenario", "earthquake-offhours")
    assert code == 0 and "はそのままです" in out and "変更なし 7 件" in out, out
