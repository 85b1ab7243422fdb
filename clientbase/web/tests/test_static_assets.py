"""Every asset is vendored, with its version and licence beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

VENDOR = Path(__file__).resolve().parents[1] / "static" / "web" / "vendor"


@pytest.mark.parametrize(
    "path",
    [
        "web/css/app.css",
        "web/img/favicon.svg",
        "web/vendor/htmx/htmx.min.js",
        "web/vendor/chartjs/chart.umd.min.js",
        "web/js/analytics-charts.js",
        "web/vendor/inter/inter-latin-wght-normal.woff2",
        "web/vendor/inter/inter-cyrillic-wght-normal.woff2",
        "web/vendor/vazirmatn/Vazirmatn-wght.woff2",
    ],
)
def test_the_asset_is_found_by_staticfiles(path: str) -> None:
    assert finders.find(path), path


def test_htmx_is_the_recorded_version_and_carries_its_licence() -> None:
    assert 'version:"2.0.11"' in (VENDOR / "htmx" / "htmx.min.js").read_text()
    assert "Zero-Clause BSD" in (VENDOR / "htmx" / "LICENSE").read_text()
    assert "2.0.11" in (VENDOR / "README.md").read_text()


def test_chartjs_is_the_recorded_build_and_carries_its_licence() -> None:
    script = (VENDOR / "chartjs" / "chart.umd.min.js").read_bytes()
    assert script.startswith(b"/*!\n * Chart.js v4.6.2\n")
    digest = hashlib.sha256(script).hexdigest()
    assert digest in (VENDOR / "README.md").read_text()
    assert "MIT License" in (VENDOR / "chartjs" / "LICENSE.md").read_text()
    assert b"sourceMappingURL" not in script  # the map is not shipped


def test_the_chart_script_needs_nothing_the_csp_forbids() -> None:
    """No eval, no Function constructor, no inline style attribute, no HTML from data."""
    for path in (
        VENDOR / "chartjs" / "chart.umd.min.js",
        VENDOR.parent / "js" / "analytics-charts.js",
    ):
        text = path.read_text()
        for forbidden in ("eval(", "new Function", 'setAttribute("style"', "innerHTML"):
            assert forbidden not in text, (path.name, forbidden)


@pytest.mark.parametrize("font", ["inter", "vazirmatn"])
def test_each_font_carries_the_open_font_license(font: str) -> None:
    assert "SIL OPEN FONT LICENSE" in (VENDOR / font / "OFL.txt").read_text().upper()


def test_the_stylesheet_loads_only_vendored_fonts_and_uses_logical_properties() -> None:
    css = (VENDOR.parent / "css" / "app.css").read_text()
    for url in [line for line in css.split("url(")[1:]]:
        assert url.startswith('"../vendor/'), url[:60]
    physical = ["margin-left", "margin-right", "padding-left", "padding-right", "text-align: left"]
    for name in physical:
        assert name not in css, f"use the logical property instead of {name}"
    assert "@import" not in css
