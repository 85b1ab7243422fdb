"""Cost to serve: per segment, its share of accounts, revenue, margin and workload side by
side, and the segments whose workload share far exceeds their margin share."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from clientbase.analytics.segmentation import ModelSettings


@dataclass(frozen=True)
class SegmentCost:
    segment: str
    accounts: int
    revenue: float
    margin: float
    workload: int
    account_share: float
    revenue_share: float
    margin_share: float
    workload_share: float
    flagged: bool

    @property
    def workload_to_margin(self) -> float | None:
        return self.workload_share / self.margin_share if self.margin_share > 0 else None


def segment_costs(
    table: pa.Table, *, by: str = "cts_class", settings: ModelSettings | None = None
) -> list[SegmentCost]:
    """One row per value of `by` (accounts without one are left out), in segment order."""
    settings = settings or ModelSettings()
    if by not in table.column_names:
        raise ValueError(f"no column {by!r} to group by")
    with duckdb.connect() as db:
        db.register("m", table.select([by, "revenue_lifetime", "margin_lifetime", "workload"]))
        rows = db.sql(
            f"""
            SELECT CAST({by} AS VARCHAR), COUNT(*), SUM(revenue_lifetime),
                   SUM(margin_lifetime), SUM(workload)
            FROM m WHERE {by} IS NOT NULL GROUP BY 1 ORDER BY 1
            """  # noqa: S608 - `by` is a column name checked above
        ).fetchall()
    totals = [sum(max(float(r[i] or 0), 0) for r in rows) for i in range(1, 5)]
    out = []
    for segment, accounts, revenue, margin, workload in rows:
        shares = [
            max(float(v or 0), 0) / t if t else 0.0
            for v, t in zip((accounts, revenue, margin, workload), totals, strict=True)
        ]
        account_share, revenue_share, margin_share, workload_share = shares
        flagged = workload_share >= settings.cts_flag_min_workload and (
            workload_share >= settings.cts_flag_ratio * margin_share
        )
        out.append(
            SegmentCost(
                segment=str(segment),
                accounts=int(accounts),
                revenue=float(revenue or 0),
                margin=float(margin or 0),
                workload=int(workload or 0),
                account_share=account_share,
                revenue_share=revenue_share,
                margin_share=margin_share,
                workload_share=workload_share,
                flagged=flagged,
            )
        )
    return out
