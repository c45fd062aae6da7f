"""A Japanese Windows console (code page 932) and Windows Terminal (UTF-8): plain mode works
through either, and a character the console cannot show is a '?', never a crash."""

import contextlib
import io
import os
import sys
from unittest import mock

from bcp_drill.cli import main
from bcp_drill.records.journal import read_journal
from bcp_drill.startup.console_streams import prepare_streams


class Console(io.TextIOWrapper):
    """A console stream: a terminal, in ENCODING."""

    def isatty(self):
        return True


def cp932_plain_drill(tmp_path, lines, participant, content):
    """The Japanese plain drill with standard input and output in code page 932, as in a Japanese
    Windows console; returns (exit code, what was printed, decoded as the console would)."""
    stdin = io.TextIOWrapper(io.BytesIO(("\n".join(lines) + "\n").encode("cp932")), encoding="cp932")
    raw_out = io.BytesIO()
    stdout = io.TextIOWrapper(raw_out, encoding="cp932", errors="strict", newline="\r\n")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="cp932", errors="strict")
    env = {"BCP_DRILL_RECORDER": "佐藤", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    args = ["run", "--plain", "mini", "--type", "tabletop", "--place", "", "--participant", participant,
            "--t0", "", "--lang", "ja", "--content", str(content), "--records", str(tmp_path / "records")]
    with (mock.patch.dict(os.environ, env), mock.patch.object(sys, "stdin", stdin),
          mock.patch.object(sys, "stdout", stdout), mock.patch.object(sys, "stderr", stderr),
          contextlib.chdir(tmp_path)):
        code = main(args)
        stdout.flush()
    return code, raw_out.getvalue().decode("cp932")


def test_a_drill_in_a_code_page_932_console(tmp_path, content_copy):
    scenario = content_copy / "mini-scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("小さなシナリオ", "小さな✓シナリオ"),
                        encoding="utf-8")  # ✓ is not in code page 932
    code, shown = cp932_plain_drill(tmp_path, ["p 連絡済み", "終了", "はい", "", ""], participant="佐藤 ✓, 統括",
                                    content=content_copy)
    assert code == 0
    assert "訓練: 小さな?シナリオ（" in shown and "次の未記録: s2" in shown  # Japanese shown as Japanese
    assert "\r\n" in shown  # the console's own line ends
    [path] = [p for p in (tmp_path / "records").glob("*.jsonl") if p.name != "followups.jsonl"]
    events = read_journal(path).events
    assert events[0].participants[0].name == "佐藤 ✓"  # recorded as typed; only the console shows '?'
    assert [(e.type, getattr(e, "step_id", None)) for e in events[1:3]] == [("step_completed", "s1"),
                                                                          ("note_added", "s1")]
    assert events[2].text == "連絡済み"


def test_a_character_the_console_cannot_show_is_a_question_mark():
    raw = io.BytesIO()
    console = Console(raw, encoding="cp932", errors="strict")
    prepare_streams(io.StringIO(), console, io.StringIO(), console_to_utf8=lambda: False)
    console.write("完了 ✓ — 🚒\n")
    console.flush()
    assert raw.getvalue().decode("cp932") == "完了 ? ? ?\n"


def test_a_legacy_console_is_switched_to_utf8_where_it_allows_it():
    asked = []
    raw = io.BytesIO()
    console = Console(raw, encoding="cp932")
    prepare_streams(io.StringIO(), console, io.StringIO(), console_to_utf8=lambda: asked.append(1) or True)
    console.write("完了 ✓\n")
    console.flush()
    assert asked and raw.getvalue().decode("utf-8") == "完了 ✓\n"


def test_a_utf8_console_or_a_redirected_file_is_not_switched():
    asked = []
    for stream in (Console(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="cp932")):
        prepare_streams(io.StringIO(), stream, io.StringIO(), console_to_utf8=lambda: asked.append(1) or True)
        assert stream.errors == "replace"
    assert asked == []


def test_input_the_console_cannot_decode_is_read_not_a_crash():
    stdin = io.TextIOWrapper(io.BytesIO(b"\x82\xa0\x85\x40\n"), encoding="cp932")  # あ, then a broken pair
    prepare_streams(stdin, io.StringIO(), io.StringIO(), console_to_utf8=lambda: False)
    assert stdin.readline() == "あ\ufffd@\n"
