from __future__ import annotations

from decimal import Decimal

import pytest

from isogov.catalog.allowances import (
    ChannelTime,
    StepAllowance,
    allowance_mismatches,
    counted_hours,
)

D = Decimal
CFS_STEPS = [
    StepAllowance(D(v), "working_days") for v in ("0.25", "0.25", "0.5", "0.25", "0.25", "0.25")
] + [
    StepAllowance(D("1.25"), "working_days"),
    StepAllowance(D("0"), "working_days", is_counted=False),
]


def test_cfs_sample_allowances_add_up_to_three_working_days() -> None:
    assert counted_hours(CFS_STEPS) == D(24)
    channels = [ChannelTime(k, D(3), "working_days") for k in ("in_person", "online_partial")]
    assert allowance_mismatches(steps=CFS_STEPS, channels=channels) == []


@pytest.mark.parametrize(
    ("steps", "legal", "unit", "difference"),
    [
        pytest.param(
            [StepAllowance(D("0.5"), "working_days"), StepAllowance(D("0.5"), "working_days")],
            D(1),
            "working_days",
            None,
            id="halves_make_a_day",
        ),
        pytest.param(
            [StepAllowance(D(4), "working_hours"), StepAllowance(D("0.5"), "working_days")],
            D(1),
            "working_days",
            None,
            id="hours_and_days_mix_at_eight_hours_a_day",
        ),
        pytest.param(
            [StepAllowance(D(2), "working_days"), StepAllowance(D(5), "working_days", False)],
            D(2),
            "working_days",
            None,
            id="return_step_not_counted",
        ),
        pytest.param(
            [StepAllowance(D("2.75"), "working_days")],
            D(3),
            "working_days",
            D("-0.25"),
            id="shortfall_shows_negative_difference",
        ),
        pytest.param(
            [StepAllowance(D(20), "working_hours")],
            D(16),
            "working_hours",
            D(4),
            id="excess_in_hours_shown_in_hours",
        ),
        pytest.param(
            [StepAllowance(D(240), "working_hours")],
            D(30),
            "working_days",
            None,
            id="thirty_days_are_240_hours",
        ),
        pytest.param(
            [StepAllowance(D(1), "working_days")],
            D(10),
            "calendar_days",
            None,
            id="calendar_days_not_checked",
        ),
    ],
)
def test_allowance_mismatch_table(
    steps: list[StepAllowance], legal: Decimal, unit: str, difference: Decimal | None
) -> None:
    problems = allowance_mismatches(steps=steps, channels=[ChannelTime("in_person", legal, unit)])
    if difference is None:
        assert problems == []
    else:
        assert len(problems) == 1
        assert problems[0].difference == difference
        assert problems[0].unit == unit


def test_each_channel_with_a_different_time_is_reported_separately() -> None:
    steps = [StepAllowance(D(3), "working_days")]
    channels = [
        ChannelTime("in_person", D(3), "working_days"),
        ChannelTime("online_full", D(2), "working_days"),
    ]
    problems = allowance_mismatches(steps=steps, channels=channels)
    assert [p.channel for p in problems] == ["online_full"]
    assert problems[0].difference == D(1)
