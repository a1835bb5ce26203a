import io

from core.progress import estimate_remaining, format_duration, progress_bar


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_nothing_is_printed_when_not_attached_to_a_terminal():
    stream = io.StringIO()  # cron, CI, a pipe
    progress = progress_bar(100, "导出隐患台账", stream=stream)
    for done in range(101):
        progress(done, 100)
    assert stream.getvalue() == ""


def test_on_a_terminal_the_bar_shows_percentage_count_and_time_left():
    stream, clock = Terminal(), Clock()
    progress = progress_bar(200, "导出隐患台账", stream=stream, width=10, clock=clock)
    clock.now = 10.0
    progress(50)
    line = stream.getvalue()
    assert line.startswith("\r导出隐患台账 [██░░░░░░░░]  25.0% 50/200")
    assert "剩余约 30秒" in line
    assert "\n" not in line


def test_the_bar_redraws_at_most_ten_times_a_second_and_ends_with_a_newline():
    stream, clock = Terminal(), Clock()
    progress = progress_bar(1000, "导入", stream=stream, clock=clock)
    for done in range(1, 1000):
        progress(done)  # the clock does not move: only the first call draws
    assert stream.getvalue().count("\r") == 1
    clock.now = 75.0
    progress(1000)
    assert stream.getvalue().count("\r") == 2
    assert stream.getvalue().endswith("用时 1分15秒\x1b[K\n")
    progress(1000)
    assert stream.getvalue().count("\r") == 2


def test_a_total_learned_late_replaces_the_first_one():
    stream = Terminal()
    progress = progress_bar(None, "导出", stream=stream)
    progress(0)
    assert stream.getvalue() == "\r导出 0\x1b[K"
    progress(10, 10)
    assert "100.0% 10/10" in stream.getvalue()


def test_a_management_command_stream_is_drawn_on_without_extra_newlines():
    from django.core.management.base import OutputWrapper

    terminal = Terminal()
    progress = progress_bar(4, "导出", stream=OutputWrapper(terminal), clock=Clock())
    progress(1)
    assert "\n" not in terminal.getvalue()


def test_durations_and_estimates_read_in_chinese():
    assert format_duration(12) == "12秒"
    assert format_duration(75) == "1分15秒"
    assert format_duration(3725) == "1小时2分"
    assert estimate_remaining(25, 100, 10) == 30
    assert estimate_remaining(0, 100, 10) is None
    assert estimate_remaining(100, 100, 10) == 0
