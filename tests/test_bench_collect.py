"""bench/results.md gathers each bench's last page under one title."""
from __future__ import annotations

from bench.collect import PAGES, collect


def test_each_page_sits_under_the_title_and_a_missing_one_is_said(tmp_path):
    (tmp_path / "sync-results.md").write_text("# Sync bench — 2026-11-29 10:10\n\n| figure | value |\n|---|---|\n"
                                              "| Prefect's share | 9.0 % |\n", encoding="utf-8")
    page = collect(tmp_path)
    assert page.startswith("# Benchmarks\n")
    assert page.count("\n# ") == 0  # one title only
    assert "## Sync bench — 2026-11-29 10:10" in page and "| Prefect's share | 9.0 % |" in page
    assert "(source: `bench/sync-results.md`)" in page
    for name in PAGES:
        if name != "sync-results.md":
            assert f"## {name}\n\nNot run yet." in page
