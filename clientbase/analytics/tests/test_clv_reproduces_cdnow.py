"""BG/NBD and Gamma-Gamma against the published CDNOW estimates (Fader, Hardie & Lee 2005)."""

import csv
from pathlib import Path

import numpy as np
import pytest

from clientbase.analytics import clv

DATA = Path(__file__).parent / "data" / "cdnow_summary.csv"


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    with DATA.open() as handle:
        rows = list(csv.DictReader(handle))
    return {
        name: np.array([float(row[name]) for row in rows]) for name in ("x", "t_x", "T", "zbar")
    }


def within_one_percent(value: float, published: float) -> bool:
    return abs(value - published) <= 0.01 * published


def test_it_reproduces_the_published_bg_nbd_estimates(cdnow: dict[str, np.ndarray]) -> None:
    model = clv.fit_bg_nbd(cdnow["x"], cdnow["t_x"], cdnow["T"])

    assert model.customers == 2357
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert within_one_percent(getattr(model, name), value), (name, getattr(model, name))
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_it_reproduces_the_published_gamma_gamma_estimates(cdnow: dict[str, np.ndarray]) -> None:
    model = clv.fit_gamma_gamma(cdnow["x"], cdnow["zbar"])

    assert model.customers == 946
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert within_one_percent(getattr(model, name), value), (name, getattr(model, name))


def test_it_predicts_the_papers_example_customer(cdnow: dict[str, np.ndarray]) -> None:
    # The paper's worked example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    model = clv.fit_bg_nbd(cdnow["x"], cdnow["t_x"], cdnow["T"])

    expected = clv.expected_purchases(model, 39, [2], [30.43], [38.86])

    assert expected[0] == pytest.approx(1.226, abs=0.002)
