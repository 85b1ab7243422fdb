"""The metrics as named SQL steps, one per metric family (pipeline.py composes them).

Each step is a SELECT over the sources (see sources.SCHEMAS), the `params` step (the as-of
date and the model settings) and earlier steps, written in DuckDB's dialect.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    sql: str
    about: str


METRIC_STEPS: tuple[Step, ...] = (
    Step(
        "order_facts",
        """
        SELECT o.order_id, o.account_id, o.date, o.revenue, o.revenue - o.cost AS margin,
               o.documents, o.rate, DATE_DIFF('day', o.date, p.as_of) AS age_days,
               o.date >= p.ltm_start AS in_ltm,
               o.date >= p.prev_start AND o.date < p.ltm_start AS in_prev_ltm,
               (YEAR(p.as_of) * 12 + MONTH(p.as_of)) - (YEAR(o.date) * 12 + MONTH(o.date))
                   AS month_no
        FROM orders AS o CROSS JOIN params AS p
        WHERE o.date <= p.as_of
        """,
        "orders up to the as-of date, in base currency, with their age in days and in "
        "calendar months (0 = the as-of month), and whether they fall in the trailing 12 "
        "months or the 12 before",
    ),
    Step(
        "sales",
        """
        SELECT t.account_id, t.revenue_ltm, t.margin_ltm, t.revenue_prev_ltm,
               t.revenue_lifetime, t.margin_lifetime, t.orders_lifetime, t.orders_ltm,
               t.documents, t.first_purchase, t.last_purchase,
               DATE_DIFF('day', t.last_purchase, p.as_of) AS recency_days,
               DATE_DIFF('day', t.first_purchase, p.as_of) AS tenure_days,
               (YEAR(p.as_of) * 12 + MONTH(p.as_of))
                   - (YEAR(t.first_purchase) * 12 + MONTH(t.first_purchase)) + 1
                   AS tenure_months
        FROM (
            -- The windows as flags from date bounds, so the hot aggregate neither computes
            -- each order's age nor joins the parameters again.
            SELECT account_id,
                   COALESCE(SUM(revenue) FILTER (WHERE in_ltm), 0) AS revenue_ltm,
                   COALESCE(SUM(margin) FILTER (WHERE in_ltm), 0) AS margin_ltm,
                   COALESCE(SUM(revenue) FILTER (WHERE in_prev_ltm), 0) AS revenue_prev_ltm,
                   SUM(revenue) AS revenue_lifetime,
                   SUM(margin) AS margin_lifetime,
                   COUNT(*) AS orders_lifetime,
                   COUNT(*) FILTER (WHERE in_ltm) AS orders_ltm,
                   SUM(documents) AS documents,
                   MIN(date) AS first_purchase,
                   MAX(date) AS last_purchase
            FROM order_facts
            GROUP BY account_id
        ) AS t
        CROSS JOIN params AS p
        """,
        "revenue and margin (trailing 12 months, the 12 before, lifetime), orders, dates",
    ),
    Step(
        "purchase_days",
        """
        SELECT account_id,
               COUNT(*) AS purchase_days,
               COUNT(DISTINCT month_no) AS active_months,
               -- All days but the first: the total less the first day's (ARG_MIN is Spark's
               -- MIN_BY), not a window numbering the days, which sorts every account's orders.
               (SUM(revenue) - ARG_MIN(revenue, date)) / NULLIF(COUNT(*) - 1, 0)
                   AS repeat_revenue_mean,
               (SUM(margin) - ARG_MIN(margin, date)) / NULLIF(COUNT(*) - 1, 0)
                   AS repeat_margin_mean
        FROM (
            SELECT account_id, date, month_no, SUM(revenue) AS revenue, SUM(margin) AS margin
            FROM order_facts
            GROUP BY account_id, date, month_no
        ) AS days
        GROUP BY account_id
        """,
        "days and months with purchases, and the mean spend per repeat purchase day (the "
        "Gamma-Gamma input)",
    ),
    Step(
        "strategic",
        """
        SELECT f.account_id,
               SUM(l.revenue * f.rate) AS line_revenue,
               SUM(CASE WHEN pr.strategic THEN l.revenue * f.rate ELSE 0 END)
                   AS strategic_revenue
        FROM lines AS l
        JOIN order_facts AS f ON f.order_id = l.order_id
        JOIN products AS pr ON pr.product_id = l.product_id
        GROUP BY f.account_id
        """,
        "revenue from strategic product lines",
    ),
    Step(
        "workload",
        """
        SELECT account_id,
               COUNT(*) AS activities,
               SUM(CASE WHEN kind = 'ticket' THEN 1 ELSE 0 END) AS tickets,
               SUM(minutes) / 60.0 AS hours
        FROM activities
        GROUP BY account_id
        """,
        "activities of every kind, support tickets and logged hours",
    ),
    Step(
        "monthly",
        """
        SELECT account_id, SUM(month_revenue) / 12.0 AS month_mean,
               SUM(month_revenue * month_revenue) / 12.0 AS month_square_mean
        FROM (
            SELECT account_id, month_no, SUM(revenue) AS month_revenue
            FROM order_facts
            WHERE month_no BETWEEN 1 AND 12
            GROUP BY account_id, month_no
        ) AS months
        GROUP BY account_id
        """,
        "mean and mean square of monthly revenue over the twelve complete calendar months "
        "before the as-of month (months without orders count as zero)",
    ),
    Step(
        "metrics",
        """
        SELECT a.account_id,
               COALESCE(s.revenue_ltm, 0) AS revenue_ltm,
               COALESCE(s.margin_ltm, 0) AS margin_ltm,
               COALESCE(s.revenue_prev_ltm, 0) AS revenue_prev_ltm,
               COALESCE(s.revenue_lifetime, 0) AS revenue_lifetime,
               COALESCE(s.margin_lifetime, 0) AS margin_lifetime,
               COALESCE(s.orders_lifetime, 0) AS orders_lifetime,
               COALESCE(s.orders_ltm, 0) AS orders_ltm,
               s.first_purchase,
               s.last_purchase,
               s.recency_days,
               COALESCE(s.orders_lifetime, 0) AS frequency,
               COALESCE(s.revenue_lifetime, 0) AS monetary,
               s.tenure_days,
               r.active_months * 1.0 / s.tenure_months AS active_month_share,
               s.margin_lifetime / s.tenure_months AS margin_per_month,
               CASE WHEN st.line_revenue > 0 THEN st.strategic_revenue / st.line_revenue END
                   AS strategic_share,
               COALESCE(s.documents, 0) AS documents,
               COALESCE(w.activities, 0) AS activities,
               COALESCE(w.tickets, 0) AS tickets,
               COALESCE(w.hours, 0) AS hours,
               COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0)
                   + COALESCE(w.activities, 0) AS workload,
               CASE WHEN COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0)
                         + COALESCE(w.activities, 0) > 0
                    THEN COALESCE(s.margin_lifetime, 0)
                         / (COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0)
                            + COALESCE(w.activities, 0))
               END AS margin_per_workload,
               CASE WHEN s.revenue_prev_ltm > 0
                    THEN (s.revenue_ltm - s.revenue_prev_ltm) / s.revenue_prev_ltm
               END AS trend,
               CASE WHEN m.month_mean > 0
                    THEN SQRT(GREATEST(m.month_square_mean - m.month_mean * m.month_mean, 0))
                         / m.month_mean
               END AS demand_variability,
               GREATEST(COALESCE(r.purchase_days, 0) - 1, 0) AS repeat_purchases,
               (s.tenure_days - s.recency_days) / 7.0 AS recency_weeks,
               s.tenure_days / 7.0 AS age_weeks,
               r.repeat_revenue_mean,
               r.repeat_margin_mean
        FROM accounts AS a
        LEFT JOIN sales AS s ON s.account_id = a.account_id
        LEFT JOIN purchase_days AS r ON r.account_id = a.account_id
        LEFT JOIN strategic AS st ON st.account_id = a.account_id
        LEFT JOIN workload AS w ON w.account_id = a.account_id
        LEFT JOIN monthly AS m ON m.account_id = a.account_id
        """,
        "one row per account: every metric family joined",
    ),
)
