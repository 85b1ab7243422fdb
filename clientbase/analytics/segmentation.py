"""The built-in segmentation models as named SQL steps over the `metrics` step.

ABC by revenue and by margin (with an optional D), the Pareto position, XYZ by demand
variability, RFM quintiles with named segments, loyalty × profitability quadrants and churn
risk from each account's own purchase rhythm. Every threshold is a column of the `params`
step, filled from ModelSettings, so the SQL itself never changes with the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientbase.analytics.steps import Step


@dataclass(frozen=True)
class ModelSettings:
    # ABC: cumulative shares closing A and B (80/15/5); abc_c < 1 adds a D class beyond it.
    abc_a: float = 0.80
    abc_b: float = 0.95
    abc_c: float = 1.0
    # Cost to serve: buyers by margin per unit of workload, cumulative margin closing A/B/C;
    # D is the tail. A segment whose workload share is `cts_flag_ratio` times its margin share
    # (and at least `cts_flag_min_workload` of all workload) is flagged.
    cts_a: float = 0.80
    cts_b: float = 0.95
    cts_c: float = 0.98
    cts_flag_ratio: float = 5.0
    cts_flag_min_workload: float = 0.10
    # XYZ: coefficient of variation of monthly revenue closing X and Y.
    xyz_x: float = 0.5
    xyz_y: float = 1.0
    # Quadrants: loyalty and profitability percentiles (among buyers) that count as "high".
    loyalty_cut: float = 0.5
    profit_cut: float = 0.5
    # Churn, from the account's own rhythm. A silence is judged against the account's own
    # purchase days: with n intervals spanning T days, the chance that a buyer of that rhythm
    # stays quiet r days is (T / (T + r)) ** n (a Poisson rate with a Gamma posterior: few
    # intervals, less certainty, a longer silence needed). A warning when that chance is at
    # most `churn_silence_p`, unless the account was quiet over the same span a year before
    # too (a seasonal pause; only judged when its history reaches back that far). Or a last
    # half-year that falls `churn_drop_z` standard deviations short of the year before (when
    # that year promised at least `churn_min_expected` orders). Only for accounts with
    # `churn_min_gaps` intervals and silent for less than `churn_horizon_days` (beyond that
    # they are lost, not at risk).
    churn_silence_p: float = 0.03
    churn_drop_z: float = -2.5
    churn_min_expected: float = 4.0
    churn_min_gaps: int = 3
    churn_horizon_days: int = 365

    def __post_init__(self) -> None:
        if not 0 < self.abc_a < self.abc_b <= self.abc_c <= 1:
            raise ValueError("ABC shares must rise: 0 < A < B <= C <= 1")
        if not 0 < self.cts_a < self.cts_b < self.cts_c < 1:
            raise ValueError("cost-to-serve shares must rise: 0 < A < B < C < 1")
        if self.cts_flag_ratio <= 1 or not 0 <= self.cts_flag_min_workload < 1:
            raise ValueError("cost-to-serve flag: ratio > 1, minimum workload share in [0, 1)")
        if not 0 < self.xyz_x < self.xyz_y:
            raise ValueError("XYZ limits must rise: 0 < X < Y")
        if not (0 < self.loyalty_cut < 1 and 0 < self.profit_cut < 1):
            raise ValueError("quadrant cuts are percentiles between 0 and 1")
        if not 0 < self.churn_silence_p < 1 or self.churn_drop_z >= 0 or self.churn_min_gaps < 1:
            raise ValueError("churn: silence chance in (0, 1), drop below 0, at least one interval")


MODEL_STEPS: tuple[Step, ...] = (
    Step(
        "abc",
        """
        SELECT x.account_id,
               CASE WHEN x.revenue_ltm <= 0
                        THEN CASE WHEN p.abc_c < 1 THEN 'D' ELSE 'C' END
                    WHEN x.revenue_cum - x.revenue_ltm < p.abc_a * x.revenue_total THEN 'A'
                    WHEN x.revenue_cum - x.revenue_ltm < p.abc_b * x.revenue_total THEN 'B'
                    WHEN x.revenue_cum - x.revenue_ltm < p.abc_c * x.revenue_total THEN 'C'
                    ELSE 'D' END AS abc_revenue,
               CASE WHEN x.margin_ltm <= 0
                        THEN CASE WHEN p.abc_c < 1 THEN 'D' ELSE 'C' END
                    WHEN x.margin_cum - x.margin_ltm < p.abc_a * x.margin_total THEN 'A'
                    WHEN x.margin_cum - x.margin_ltm < p.abc_b * x.margin_total THEN 'B'
                    WHEN x.margin_cum - x.margin_ltm < p.abc_c * x.margin_total THEN 'C'
                    ELSE 'D' END AS abc_margin,
               CASE WHEN x.revenue_total > 0 THEN x.revenue_cum / x.revenue_total END
                   AS pareto_revenue_share,
               x.revenue_rank / x.accounts AS pareto_account_share
        FROM (
            SELECT account_id, revenue_ltm, margin_ltm,
                   SUM(GREATEST(revenue_ltm, 0)) OVER (
                       ORDER BY revenue_ltm DESC, account_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS revenue_cum,
                   SUM(GREATEST(revenue_ltm, 0)) OVER () AS revenue_total,
                   SUM(GREATEST(margin_ltm, 0)) OVER (
                       ORDER BY margin_ltm DESC, account_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS margin_cum,
                   SUM(GREATEST(margin_ltm, 0)) OVER () AS margin_total,
                   ROW_NUMBER() OVER (ORDER BY revenue_ltm DESC, account_id) * 1.0 AS revenue_rank,
                   COUNT(*) OVER () * 1.0 AS accounts
            FROM metrics
        ) AS x
        CROSS JOIN params AS p
        """,
        "ABC classes by trailing-year revenue and margin; the account's place on the Pareto curve",
    ),
    Step(
        "cost_to_serve",
        """
        SELECT x.account_id,
               CASE WHEN x.margin_cum - x.margin_pos < p.cts_a * x.margin_total THEN 'A'
                    WHEN x.margin_cum - x.margin_pos < p.cts_b * x.margin_total THEN 'B'
                    WHEN x.margin_cum - x.margin_pos < p.cts_c * x.margin_total THEN 'C'
                    ELSE 'D' END AS cts_class
        FROM (
            SELECT account_id, GREATEST(margin_lifetime, 0) AS margin_pos,
                   SUM(GREATEST(margin_lifetime, 0)) OVER (
                       ORDER BY margin_per_workload DESC, account_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS margin_cum,
                   SUM(GREATEST(margin_lifetime, 0)) OVER () AS margin_total
            FROM metrics
            WHERE orders_lifetime > 0
        ) AS x
        CROSS JOIN params AS p
        """,
        "cost-to-serve class: buyers from the most to the least margin per unit of workload, "
        "cut where the cumulative margin reaches each share (the last few per cent are D)",
    ),
    Step(
        "xyz",
        """
        SELECT m.account_id,
               CASE WHEN m.demand_variability IS NULL THEN NULL
                    WHEN m.demand_variability <= p.xyz_x THEN 'X'
                    WHEN m.demand_variability <= p.xyz_y THEN 'Y'
                    ELSE 'Z' END AS xyz
        FROM metrics AS m CROSS JOIN params AS p
        """,
        "XYZ class by the coefficient of variation of monthly revenue",
    ),
    Step(
        "rfm",
        """
        SELECT account_id, rfm_r, rfm_f, rfm_m,
               CASE WHEN rfm_r >= 4 AND rfm_f >= 4 THEN 'champions'
                    WHEN rfm_r >= 3 AND rfm_f >= 4 THEN 'loyal'
                    WHEN rfm_r >= 4 AND rfm_f >= 2 THEN 'potential_loyalists'
                    WHEN rfm_r = 5 THEN 'new'
                    WHEN rfm_r = 4 THEN 'promising'
                    WHEN rfm_r = 3 AND rfm_f = 3 THEN 'need_attention'
                    WHEN rfm_r = 3 THEN 'about_to_sleep'
                    WHEN rfm_f = 5 THEN 'cannot_lose'
                    WHEN rfm_f >= 3 THEN 'at_risk'
                    WHEN rfm_r = 2 THEN 'hibernating'
                    ELSE 'lost' END AS rfm_segment
        FROM (
            SELECT account_id,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY recency_days DESC) - 1)
                              / COUNT(*) OVER ()) AS INT) + 1 AS rfm_r,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY frequency) - 1)
                              / COUNT(*) OVER ()) AS INT) + 1 AS rfm_f,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY monetary) - 1)
                              / COUNT(*) OVER ()) AS INT) + 1 AS rfm_m
            FROM metrics
            WHERE frequency > 0
        ) AS scores
        """,
        "RFM quintile scores among buyers (ties share the score of their lowest place) and "
        "the named segment",
    ),
    Step(
        "rhythm",
        """
        SELECT g.account_id, g.usual_gap_days, g.gaps, w.recent_days, w.prior_days,
               w.year_ago_days, w.tenure_days
        FROM (
            SELECT account_id, AVG(gap) AS usual_gap_days, COUNT(*) AS gaps
            FROM (
                SELECT account_id,
                       DATE_DIFF('day', LAG(date) OVER (PARTITION BY account_id ORDER BY date),
                                 date) AS gap
                FROM (SELECT DISTINCT account_id, date FROM order_facts) AS days
            ) AS intervals
            WHERE gap IS NOT NULL
            GROUP BY account_id
        ) AS g
        JOIN (
            SELECT f.account_id,
                   COUNT(DISTINCT CASE WHEN f.age_days < 182 THEN f.date END) AS recent_days,
                   COUNT(DISTINCT CASE WHEN f.age_days >= 182 AND f.age_days < 547
                                       THEN f.date END) AS prior_days,
                   COUNT(DISTINCT CASE WHEN f.age_days >= 365
                                            AND f.age_days < 365 + s.recency_days
                                       THEN f.date END) AS year_ago_days,
                   MAX(s.tenure_days) AS tenure_days
            FROM order_facts AS f
            JOIN sales AS s ON s.account_id = f.account_id
            GROUP BY f.account_id
        ) AS w ON w.account_id = g.account_id
        """,
        "each account's usual interval between purchase days, its purchase days in the last "
        "half-year and in the year before it, and over the span of its current silence a year "
        "earlier",
    ),
    Step(
        "quadrants",
        """
        SELECT account_id, loyalty, profitability,
               CASE WHEN loyalty >= p.loyalty_cut AND profitability >= p.profit_cut THEN 'III'
                    WHEN loyalty >= p.loyalty_cut THEN 'II'
                    WHEN profitability >= p.profit_cut THEN 'IV'
                    ELSE 'I' END AS quadrant
        FROM (
            SELECT account_id,
                   ((RANK() OVER (ORDER BY active_month_share) - 1)
                    + (RANK() OVER (ORDER BY tenure_days) - 1)) / 2.0 / COUNT(*) OVER ()
                       AS loyalty,
                   (RANK() OVER (ORDER BY margin_per_month) - 1) / 1.0 / COUNT(*) OVER ()
                       AS profitability
            FROM metrics
            WHERE orders_lifetime > 0
        ) AS scores
        CROSS JOIN params AS p
        """,
        "loyalty (share of months with purchases, tenure) and profitability (margin per month "
        "of the relationship) percentiles among buyers, and their quadrant I-IV",
    ),
    Step(
        "churn",
        """
        SELECT account_id, usual_gap_days,
               -- Too few intervals make no rhythm: no risk rather than a 100% never flagged.
               CASE WHEN gaps >= p.churn_min_gaps
                    THEN GREATEST(silence,
                                  CASE WHEN expected >= p.churn_min_expected
                                       THEN LEAST(GREATEST(drop_z / p.churn_drop_z, 0), 1)
                                       ELSE 0 END)
               END AS churn_risk,
               gaps >= p.churn_min_gaps
                   AND recency_days <= p.churn_horizon_days
                   AND (silence >= 1
                        OR (expected >= p.churn_min_expected AND drop_z <= p.churn_drop_z))
                   AS churn_flag
        FROM (
            SELECT m.account_id, m.recency_days, r.usual_gap_days, r.gaps,
                   CASE WHEN r.year_ago_days > 0 OR r.tenure_days < 365 + m.recency_days
                        THEN 1.0 ELSE 0.5 END
                   * LEAST(r.gaps * LN((r.usual_gap_days * r.gaps + m.recency_days)
                                       / (r.usual_gap_days * r.gaps))
                           / -LN(p.churn_silence_p), 1) AS silence,
                   r.prior_days * 182.0 / 365 AS expected,
                   (r.recent_days - r.prior_days * 182.0 / 365)
                       / SQRT(GREATEST(r.prior_days * 182.0 / 365, 1)) AS drop_z
            FROM metrics AS m
            JOIN rhythm AS r ON r.account_id = m.account_id
            CROSS JOIN params AS p
        ) AS x
        CROSS JOIN params AS p
        """,
        "churn risk from the account's own rhythm: a silence unlikely for its usual interval "
        "(and not a pause it also took a year before), or a last half-year far below the year "
        "before",
    ),
    Step(
        "segments",
        """
        SELECT m.*, a.abc_revenue, a.abc_margin, a.pareto_revenue_share, a.pareto_account_share,
               t.cts_class, x.xyz, f.rfm_r, f.rfm_f, f.rfm_m, f.rfm_segment,
               q.loyalty, q.profitability, q.quadrant,
               c.usual_gap_days, c.churn_risk, COALESCE(c.churn_flag, FALSE) AS churn_flag
        FROM metrics AS m
        LEFT JOIN abc AS a ON a.account_id = m.account_id
        LEFT JOIN cost_to_serve AS t ON t.account_id = m.account_id
        LEFT JOIN xyz AS x ON x.account_id = m.account_id
        LEFT JOIN rfm AS f ON f.account_id = m.account_id
        LEFT JOIN quadrants AS q ON q.account_id = m.account_id
        LEFT JOIN churn AS c ON c.account_id = m.account_id
        """,
        "every metric and every model's result, one row per account",
    ),
)
