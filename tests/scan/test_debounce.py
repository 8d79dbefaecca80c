from kiosk.scan.debounce import Debouncer
from kiosk.scan.events import Code

DRILL = Code("MAPLE-TK3QD7-007-Y", "code128")
SAW = Code("4006381333931", "ean13")
FRAME = 1 / 30


def _play(debouncer: Debouncer, frames: list[list[Code]], start: float = 0.0) -> list[tuple[int, Code]]:
    counted = []
    for n, codes in enumerate(frames):
        counted += [(n, code) for code in debouncer.update(codes, start + n * FRAME)]
    return counted


def test_a_code_held_in_view_counts_once():
    assert _play(Debouncer(), [[DRILL]] * 90) == [(1, DRILL)]


def test_a_read_in_a_single_frame_never_counts():
    frames = [[]] * 10 + [[SAW]] + [[]] * 30
    assert _play(Debouncer(), frames) == []


def test_two_reads_too_far_apart_do_not_agree():
    frames = [[SAW]] + [[]] * 20 + [[SAW]] + [[]] * 20  # 0.7 s apart, the window is 0.5 s
    assert _play(Debouncer(confirm_window=0.5), frames) == []


def test_a_missed_frame_between_two_reads_still_agrees():
    assert _play(Debouncer(), [[DRILL], [], [DRILL]]) == [(2, DRILL)]


def test_a_code_counts_again_only_after_leaving_view_for_the_rearm_time():
    away_short = [[]] * 15  # half a second
    away_long = [[]] * 40  # over a second
    frames = [[DRILL]] * 10 + away_short + [[DRILL]] * 10 + away_long + [[DRILL]] * 10
    counted = _play(Debouncer(rearm_after=1.0), frames)
    assert [n for n, _ in counted] == [1, 10 + 15 + 10 + 40 + 1]


def test_codes_in_view_together_count_separately():
    counted = _play(Debouncer(), [[DRILL, SAW]] * 5)
    assert sorted(code.text for _, code in counted) == sorted([DRILL.text, SAW.text])


def test_more_agreement_can_be_asked_for():
    assert _play(Debouncer(confirm_frames=3), [[DRILL]] * 5) == [(2, DRILL)]
