WITH params AS (
  SELECT
    CAST('2026-12-01' AS DATE) AS as_of,
    CAST('2025-12-02' AS DATE) AS ltm_start,
    CAST('2024-12-02' AS DATE) AS prev_start,
    0.8 AS abc_a,
    0.95 AS abc_b,
    1.0 AS abc_c,
    0.8 AS cts_a,
    0.95 AS cts_b,
    0.98 AS cts_c,
    5.0 AS cts_flag_ratio,
    0.1 AS cts_flag_min_workload,
    0.5 AS xyz_x,
    1.0 AS xyz_y,
    0.5 AS loyalty_cut,
    0.5 AS profit_cut,
    0.03 AS churn_silence_p,
    -2.5 AS churn_drop_z,
    4.0 AS churn_min_expected,
    3 AS churn_min_gaps,
    365 AS churn_horizon_days
), order_facts AS (
  SELECT
    o.order_id,
    o.account_id,
    o.date,
    o.revenue,
    o.revenue - o.cost AS margin,
    o.documents,
    o.rate,
    DATE_DIFF('DAY', o.date, p.as_of) AS age_days,
    o.date >= p.ltm_start AS in_ltm,
    o.date >= p.prev_start AND o.date < p.ltm_start AS in_prev_ltm,
    (
      YEAR(p.as_of) * 12 + MONTH(p.as_of)
    ) - (
      YEAR(o.date) * 12 + MONTH(o.date)
    ) AS month_no
  FROM orders AS o
  CROSS JOIN params AS p
  WHERE
    o.date <= p.as_of
), sales AS (
  SELECT
    t.account_id,
    t.revenue_ltm,
    t.margin_ltm,
    t.revenue_prev_ltm,
    t.revenue_lifetime,
    t.margin_lifetime,
    t.orders_lifetime,
    t.orders_ltm,
    t.documents,
    t.first_purchase,
    t.last_purchase,
    DATE_DIFF('DAY', t.last_purchase, p.as_of) AS recency_days,
    DATE_DIFF('DAY', t.first_purchase, p.as_of) AS tenure_days,
    (
      YEAR(p.as_of) * 12 + MONTH(p.as_of)
    ) - (
      YEAR(t.first_purchase) * 12 + MONTH(t.first_purchase)
    ) + 1 AS tenure_months
  FROM (
    /* The windows as flags from date bounds, so the hot aggregate neither computes */
    /* each order's age nor joins the parameters again. */
    SELECT
      account_id,
      COALESCE(SUM(revenue) FILTER(WHERE
        in_ltm), 0) AS revenue_ltm,
      COALESCE(SUM(margin) FILTER(WHERE
        in_ltm), 0) AS margin_ltm,
      COALESCE(SUM(revenue) FILTER(WHERE
        in_prev_ltm), 0) AS revenue_prev_ltm,
      SUM(revenue) AS revenue_lifetime,
      SUM(margin) AS margin_lifetime,
      COUNT(*) AS orders_lifetime,
      COUNT(*) FILTER(WHERE
        in_ltm) AS orders_ltm,
      SUM(documents) AS documents,
      MIN(date) AS first_purchase,
      MAX(date) AS last_purchase
    FROM order_facts
    GROUP BY
      account_id
  ) AS t
  CROSS JOIN params AS p
), purchase_days AS (
  SELECT
    account_id,
    COUNT(*) AS purchase_days,
    COUNT(DISTINCT month_no) AS active_months,
    (
      SUM(revenue) - ARG_MIN(revenue, date)
    ) /* All days but the first: the total less the first day's (ARG_MIN is Spark's */ /* MIN_BY), not a window numbering the days, which sorts every account's orders. */ / NULLIF(COUNT(*) - 1, 0) AS repeat_revenue_mean,
    (
      SUM(margin) - ARG_MIN(margin, date)
    ) / NULLIF(COUNT(*) - 1, 0) AS repeat_margin_mean
  FROM (
    SELECT
      account_id,
      date,
      month_no,
      SUM(revenue) AS revenue,
      SUM(margin) AS margin
    FROM order_facts
    GROUP BY
      account_id,
      date,
      month_no
  ) AS days
  GROUP BY
    account_id
), strategic AS (
  SELECT
    f.account_id,
    SUM(l.revenue * f.rate) AS line_revenue,
    SUM(CASE WHEN pr.strategic THEN l.revenue * f.rate ELSE 0 END) AS strategic_revenue
  FROM lines AS l
  JOIN order_facts AS f
    ON f.order_id = l.order_id
  JOIN products AS pr
    ON pr.product_id = l.product_id
  GROUP BY
    f.account_id
), workload AS (
  SELECT
    account_id,
    COUNT(*) AS activities,
    SUM(CASE WHEN kind = 'ticket' THEN 1 ELSE 0 END) AS tickets,
    SUM(minutes) / 60.0 AS hours
  FROM activities
  GROUP BY
    account_id
), monthly AS (
  SELECT
    account_id,
    SUM(month_revenue) / 12.0 AS month_mean,
    SUM(month_revenue * month_revenue) / 12.0 AS month_square_mean
  FROM (
    SELECT
      account_id,
      month_no,
      SUM(revenue) AS month_revenue
    FROM order_facts
    WHERE
      month_no BETWEEN 1 AND 12
    GROUP BY
      account_id,
      month_no
  ) AS months
  GROUP BY
    account_id
), metrics AS (
  SELECT
    a.account_id,
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
    CASE WHEN st.line_revenue > 0 THEN st.strategic_revenue / st.line_revenue END AS strategic_share,
    COALESCE(s.documents, 0) AS documents,
    COALESCE(w.activities, 0) AS activities,
    COALESCE(w.tickets, 0) AS tickets,
    COALESCE(w.hours, 0) AS hours,
    COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0) + COALESCE(w.activities, 0) AS workload,
    CASE
      WHEN COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0) + COALESCE(w.activities, 0) > 0
      THEN COALESCE(s.margin_lifetime, 0) / (
        COALESCE(s.orders_lifetime, 0) + COALESCE(s.documents, 0) + COALESCE(w.activities, 0)
      )
    END AS margin_per_workload,
    CASE
      WHEN s.revenue_prev_ltm > 0
      THEN (
        s.revenue_ltm - s.revenue_prev_ltm
      ) / s.revenue_prev_ltm
    END AS trend,
    CASE
      WHEN m.month_mean > 0
      THEN SQRT(GREATEST(m.month_square_mean - m.month_mean * m.month_mean, 0)) / m.month_mean
    END AS demand_variability,
    GREATEST(COALESCE(r.purchase_days, 0) - 1, 0) AS repeat_purchases,
    (
      s.tenure_days - s.recency_days
    ) / 7.0 AS recency_weeks,
    s.tenure_days / 7.0 AS age_weeks,
    r.repeat_revenue_mean,
    r.repeat_margin_mean
  FROM accounts AS a
  LEFT JOIN sales AS s
    ON s.account_id = a.account_id
  LEFT JOIN purchase_days AS r
    ON r.account_id = a.account_id
  LEFT JOIN strategic AS st
    ON st.account_id = a.account_id
  LEFT JOIN workload AS w
    ON w.account_id = a.account_id
  LEFT JOIN monthly AS m
    ON m.account_id = a.account_id
), abc AS (
  SELECT
    x.account_id,
    CASE
      WHEN x.revenue_ltm <= 0
      THEN CASE WHEN p.abc_c < 1 THEN 'D' ELSE 'C' END
      WHEN x.revenue_cum - x.revenue_ltm < p.abc_a * x.revenue_total
      THEN 'A'
      WHEN x.revenue_cum - x.revenue_ltm < p.abc_b * x.revenue_total
      THEN 'B'
      WHEN x.revenue_cum - x.revenue_ltm < p.abc_c * x.revenue_total
      THEN 'C'
      ELSE 'D'
    END AS abc_revenue,
    CASE
      WHEN x.margin_ltm <= 0
      THEN CASE WHEN p.abc_c < 1 THEN 'D' ELSE 'C' END
      WHEN x.margin_cum - x.margin_ltm < p.abc_a * x.margin_total
      THEN 'A'
      WHEN x.margin_cum - x.margin_ltm < p.abc_b * x.margin_total
      THEN 'B'
      WHEN x.margin_cum - x.margin_ltm < p.abc_c * x.margin_total
      THEN 'C'
      ELSE 'D'
    END AS abc_margin,
    CASE WHEN x.revenue_total > 0 THEN x.revenue_cum / x.revenue_total END AS pareto_revenue_share,
    x.revenue_rank / x.accounts AS pareto_account_share
  FROM (
    SELECT
      account_id,
      revenue_ltm,
      margin_ltm,
      SUM(GREATEST(revenue_ltm, 0)) OVER (
        ORDER BY revenue_ltm DESC, account_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS revenue_cum,
      SUM(GREATEST(revenue_ltm, 0)) OVER () AS revenue_total,
      SUM(GREATEST(margin_ltm, 0)) OVER (
        ORDER BY margin_ltm DESC, account_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS margin_cum,
      SUM(GREATEST(margin_ltm, 0)) OVER () AS margin_total,
      ROW_NUMBER() OVER (ORDER BY revenue_ltm DESC, account_id) * 1.0 AS revenue_rank,
      COUNT(*) OVER () * 1.0 AS accounts
    FROM metrics
  ) AS x
  CROSS JOIN params AS p
), cost_to_serve AS (
  SELECT
    x.account_id,
    CASE
      WHEN x.margin_cum - x.margin_pos < p.cts_a * x.margin_total
      THEN 'A'
      WHEN x.margin_cum - x.margin_pos < p.cts_b * x.margin_total
      THEN 'B'
      WHEN x.margin_cum - x.margin_pos < p.cts_c * x.margin_total
      THEN 'C'
      ELSE 'D'
    END AS cts_class
  FROM (
    SELECT
      account_id,
      GREATEST(margin_lifetime, 0) AS margin_pos,
      SUM(GREATEST(margin_lifetime, 0)) OVER (
        ORDER BY margin_per_workload DESC, account_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS margin_cum,
      SUM(GREATEST(margin_lifetime, 0)) OVER () AS margin_total
    FROM metrics
    WHERE
      orders_lifetime > 0
  ) AS x
  CROSS JOIN params AS p
), xyz AS (
  SELECT
    m.account_id,
    CASE
      WHEN m.demand_variability IS NULL
      THEN NULL
      WHEN m.demand_variability <= p.xyz_x
      THEN 'X'
      WHEN m.demand_variability <= p.xyz_y
      THEN 'Y'
      ELSE 'Z'
    END AS xyz
  FROM metrics AS m
  CROSS JOIN params AS p
), rfm AS (
  SELECT
    account_id,
    rfm_r,
    rfm_f,
    rfm_m,
    CASE
      WHEN rfm_r >= 4 AND rfm_f >= 4
      THEN 'champions'
      WHEN rfm_r >= 3 AND rfm_f >= 4
      THEN 'loyal'
      WHEN rfm_r >= 4 AND rfm_f >= 2
      THEN 'potential_loyalists'
      WHEN rfm_r = 5
      THEN 'new'
      WHEN rfm_r = 4
      THEN 'promising'
      WHEN rfm_r = 3 AND rfm_f = 3
      THEN 'need_attention'
      WHEN rfm_r = 3
      THEN 'about_to_sleep'
      WHEN rfm_f = 5
      THEN 'cannot_lose'
      WHEN rfm_f >= 3
      THEN 'at_risk'
      WHEN rfm_r = 2
      THEN 'hibernating'
      ELSE 'lost'
    END AS rfm_segment
  FROM (
    SELECT
      account_id,
      CAST(FLOOR(5.0 * (
        RANK() OVER (ORDER BY recency_days DESC) - 1
      ) / COUNT(*) OVER ()) AS INT) + 1 AS rfm_r,
      CAST(FLOOR(5.0 * (
        RANK() OVER (ORDER BY frequency) - 1
      ) / COUNT(*) OVER ()) AS INT) + 1 AS rfm_f,
      CAST(FLOOR(5.0 * (
        RANK() OVER (ORDER BY monetary) - 1
      ) / COUNT(*) OVER ()) AS INT) + 1 AS rfm_m
    FROM metrics
    WHERE
      frequency > 0
  ) AS scores
), rhythm AS (
  SELECT
    g.account_id,
    g.usual_gap_days,
    g.gaps,
    w.recent_days,
    w.prior_days,
    w.year_ago_days,
    w.tenure_days
  FROM (
    SELECT
      account_id,
      AVG(gap) AS usual_gap_days,
      COUNT(*) AS gaps
    FROM (
      SELECT
        account_id,
        DATE_DIFF('DAY', LAG(date) OVER (PARTITION BY account_id ORDER BY date), date) AS gap
      FROM (
        SELECT DISTINCT
          account_id,
          date
        FROM order_facts
      ) AS days
    ) AS intervals
    WHERE
      NOT gap IS NULL
    GROUP BY
      account_id
  ) AS g
  JOIN (
    SELECT
      f.account_id,
      COUNT(DISTINCT CASE WHEN f.age_days < 182 THEN f.date END) AS recent_days,
      COUNT(DISTINCT CASE WHEN f.age_days >= 182 AND f.age_days < 547 THEN f.date END) AS prior_days,
      COUNT(
        DISTINCT CASE WHEN f.age_days >= 365 AND f.age_days < 365 + s.recency_days THEN f.date END
      ) AS year_ago_days,
      MAX(s.tenure_days) AS tenure_days
    FROM order_facts AS f
    JOIN sales AS s
      ON s.account_id = f.account_id
    GROUP BY
      f.account_id
  ) AS w
    ON w.account_id = g.account_id
), quadrants AS (
  SELECT
    account_id,
    loyalty,
    profitability,
    CASE
      WHEN loyalty >= p.loyalty_cut AND profitability >= p.profit_cut
      THEN 'III'
      WHEN loyalty >= p.loyalty_cut
      THEN 'II'
      WHEN profitability >= p.profit_cut
      THEN 'IV'
      ELSE 'I'
    END AS quadrant
  FROM (
    SELECT
      account_id,
      (
        (
          RANK() OVER (ORDER BY active_month_share) - 1
        ) + (
          RANK() OVER (ORDER BY tenure_days) - 1
        )
      ) / 2.0 / COUNT(*) OVER () AS loyalty,
      (
        RANK() OVER (ORDER BY margin_per_month) - 1
      ) / 1.0 / COUNT(*) OVER () AS profitability
    FROM metrics
    WHERE
      orders_lifetime > 0
  ) AS scores
  CROSS JOIN params AS p
), churn AS (
  SELECT
    account_id,
    usual_gap_days,
    CASE
      WHEN gaps >= p.churn_min_gaps
      THEN GREATEST(
        silence,
        CASE
          WHEN expected >= p.churn_min_expected
          THEN LEAST(GREATEST(drop_z / p.churn_drop_z, 0), 1)
          ELSE 0
        END
      )
    END AS churn_risk, /* Too few intervals make no rhythm: no risk rather than a 100% never flagged. */
    gaps >= p.churn_min_gaps
    AND recency_days <= p.churn_horizon_days
    AND (
      silence >= 1
      OR (
        expected >= p.churn_min_expected AND drop_z <= p.churn_drop_z
      )
    ) AS churn_flag
  FROM (
    SELECT
      m.account_id,
      m.recency_days,
      r.usual_gap_days,
      r.gaps,
      CASE
        WHEN r.year_ago_days > 0 OR r.tenure_days < 365 + m.recency_days
        THEN 1.0
        ELSE 0.5
      END * LEAST(
        r.gaps * LN(
          (
            r.usual_gap_days * r.gaps + m.recency_days
          ) / (
            r.usual_gap_days * r.gaps
          )
        ) / -LN(p.churn_silence_p),
        1
      ) AS silence,
      r.prior_days * 182.0 / 365 AS expected,
      (
        r.recent_days - r.prior_days * 182.0 / 365
      ) / SQRT(GREATEST(r.prior_days * 182.0 / 365, 1)) AS drop_z
    FROM metrics AS m
    JOIN rhythm AS r
      ON r.account_id = m.account_id
    CROSS JOIN params AS p
  ) AS x
  CROSS JOIN params AS p
), segments AS (
  SELECT
    m.*,
    a.abc_revenue,
    a.abc_margin,
    a.pareto_revenue_share,
    a.pareto_account_share,
    t.cts_class,
    x.xyz,
    f.rfm_r,
    f.rfm_f,
    f.rfm_m,
    f.rfm_segment,
    q.loyalty,
    q.profitability,
    q.quadrant,
    c.usual_gap_days,
    c.churn_risk,
    COALESCE(c.churn_flag, FALSE) AS churn_flag
  FROM metrics AS m
  LEFT JOIN abc AS a
    ON a.account_id = m.account_id
  LEFT JOIN cost_to_serve AS t
    ON t.account_id = m.account_id
  LEFT JOIN xyz AS x
    ON x.account_id = m.account_id
  LEFT JOIN rfm AS f
    ON f.account_id = m.account_id
  LEFT JOIN quadrants AS q
    ON q.account_id = m.account_id
  LEFT JOIN churn AS c
    ON c.account_id = m.account_id
)
SELECT
  *
FROM segments
