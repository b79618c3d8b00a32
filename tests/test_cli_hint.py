"""`autograd-kata hint`: one more level per call, remembered in .kata/state.json."""
from __future__ import annotations

import json

from cli_course import K01, cli, course, course_copy  # noqa: F401  (fixtures)

HINTS = K01.hints["en"]


def test_hint_levels_advance_persist_and_end(cli, course) -> None:
    for level, text in enumerate(HINTS, start=1):
        ran = cli("hint", "k01")
        assert ran.code == 0
        assert f"Hint {level}/{len(HINTS)}: {text}" in ran.out
        assert all(other not in ran.out for other in HINTS if other != text)
    assert "last hint" in ran.out
    state = json.loads((course / ".kata" / "state.json").read_text(encoding="utf-8"))
    assert state["hints"]["k01"] == len(HINTS)
    ran = cli("hint", "k01")
    assert "No more hints for k01" in ran.out and HINTS[-1] in ran.out


def test_the_board_shows_the_latest_hint_seen_not_a_new_one(cli) -> None:
    cli("hint", "k01")
    cli("hint", "k01")
    out = cli().out
    assert f"Hint 2/{len(HINTS)}: {HINTS[1]}" in out and HINTS[2] not in out


def test_the_board_counts_no_hint_as_seen(cli) -> None:
    cli()
    assert f"Hint 1/{len(HINTS)}: {HINTS[0]}" in cli("hint", "k01").out
    assert f"Hint 1/{len(HINTS)}: {HINTS[0]}" in cli().out  # the hint asked for stays on the board


def test_hints_in_chinese(cli) -> None:
    ran = cli("hint", "k01", "--lang", "zh")
    assert f"提示 1/{len(HINTS)}：{K01.hints['zh'][0]}" in ran.out


def test_an_unreadable_state_file_is_kept_and_named(cli, course) -> None:
    state = course / ".kata" / "state.json"
    state.parent.mkdir(exist_ok=True)
    state.write_text("{ half a file", encoding="utf-8")
    ran = cli("hint", "k01")
    assert ran.code == 0 and f"Hint 1/{len(HINTS)}" in ran.out
    kept = [p for p in state.parent.iterdir() if p.name.startswith("state.json.unreadable")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "{ half a file"
    assert "Could not read" in ran.err and kept[0].name in ran.err
    assert json.loads(state.read_text(encoding="utf-8"))["hints"] == {"k01": 1}
