from bcp_drill.render.text_table import cell_width, format_table, truncate


def test_cell_width_counts_wide_characters_twice():
    assert cell_width("abc") == 3
    assert cell_width("地震") == 4
    assert cell_width("ｱｲ") == 2  # half-width katakana
    assert cell_width("Ａ１") == 4  # full-width latin


def test_table_columns_line_up_with_japanese():
    table = format_table(["ID", "名称", "数"], [["a", "休日早朝の大地震", 16], ["bb", "停電", 5]], ["<", "<", ">"])
    lines = table.splitlines()
    # the third column ends at the same display column on every line
    ends = {cell_width(line) for line in lines}
    assert len(ends) == 1
    assert lines[2].startswith("a   休日早朝の大地震  16")


def test_truncate_respects_display_width():
    cut = truncate("あいうえおかきくけこ", 11)
    assert cut == "あいうえ..."
    assert cell_width(cut) <= 11
