"""Finding duplicate accounts: exact-key blocking, then a splink 5 model scored on DuckDB.

1. Candidate pairs come from shared keys: exact ones (a valid tax id, an E.164 phone, an
   e-mail, the normalised name in the same city) and fuzzy ones (the consonant skeleton of a
   name, a company mail domain, the skeleton's first letters in the same city). Keys shared by
   too many accounts (a call centre's phone) are ignored: they say nothing.
2. A Fellegi–Sunter model (splink) scores every candidate pair. It is trained without labels:
   u by random sampling, m by EM on two blocking rules, both with a fixed seed.

Names are compared in their Latin transliteration only: DuckDB's string similarity counts
bytes, so on Cyrillic or Persian text it would be wrong.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from clientbase.identity.records import load_records

Progress = Callable[[str, int, int], None]

EXACT_KINDS = ("tax_id", "phone", "email", "name_city")
FUZZY_KINDS = ("name_skeleton", "mail_domain", "name_prefix_city")
MAX_BLOCK = 40  # a key shared by more accounts than this does not identify anyone
SEED = 20240501

DEFAULT_THRESHOLD = 0.99


@dataclass(frozen=True)
class ScoredPair:
    left_id: int
    right_id: int
    probability: float
    agreements: dict[str, str]
    found_by: list[str]

    @property
    def exact(self) -> bool:
        return any(kind in EXACT_KINDS for kind in self.found_by)


@dataclass(frozen=True)
class MatchResult:
    accounts: int
    pairs: list[ScoredPair]  # the scored pairs at or above the run's floor, best first
    names: pa.Table  # unique_id, name_lat, skel, prefix: the entry-time check's index
    pairs_scored: int = 0  # every pair the model scored, whatever its probability
    pairs_exact: int = 0  # of those, the ones found by an exact key

    def above(self, threshold: float) -> list[ScoredPair]:
        return [p for p in self.pairs if p.probability >= threshold]


_KEYS_SQL = """
CREATE TABLE keys AS
SELECT unique_id AS uid, 'tax_id' AS kind, unnest(taxes) AS key FROM records
UNION ALL SELECT unique_id, 'phone', unnest(phones) FROM records
UNION ALL SELECT unique_id, 'email', unnest(emails) FROM records
UNION ALL SELECT unique_id, 'name_city', name_compact || '|' || city_key FROM records
    WHERE name_compact IS NOT NULL AND city_key IS NOT NULL
UNION ALL SELECT unique_id, 'name_skeleton', unnest(skels) FROM records
UNION ALL SELECT unique_id, 'mail_domain', unnest(domains) FROM records
UNION ALL SELECT unique_id, 'name_prefix_city', prefix || '|' || city_key FROM records
    WHERE prefix IS NOT NULL AND city_key IS NOT NULL
"""

_PAIRS_SQL = """
CREATE TABLE pairs AS
WITH usable AS (
    SELECT DISTINCT uid, kind, key FROM keys
    WHERE key IS NOT NULL AND key <> '' AND (kind, key) IN (
        SELECT kind, key FROM keys GROUP BY kind, key
        HAVING count(DISTINCT uid) BETWEEN 2 AND {max_block}
    )
)
SELECT l.uid AS join_key_l, r.uid AS join_key_r, list(DISTINCT l.kind ORDER BY l.kind) AS found_by
FROM usable l JOIN usable r ON l.kind = r.kind AND l.key = r.key AND l.uid < r.uid
GROUP BY l.uid, r.uid
"""


_JW = (
    "greatest(jaro_winkler_similarity(name_compact_l, name_compact_r), "
    "jaro_winkler_similarity(name_lat2_l, name_lat2_r), "
    "jaro_winkler_similarity(name_compact_l, name_lat2_r), "
    "jaro_winkler_similarity(name_lat2_l, name_compact_r))"
)
_NAME_EXACT = (
    "name_compact_l = name_compact_r OR name_compact_l = name_lat2_r "
    "OR name_lat2_l = name_compact_r"
)
AGREEMENT_FIELDS = ("name", "city", "phone", "email", "domain", "tax_id")


def _array_level(column: str) -> str:
    return (
        f"CASE WHEN {column}_l IS NULL OR {column}_r IS NULL THEN NULL "
        f"WHEN list_has_any({column}_l, {column}_r) THEN 'exact' ELSE 'differs' END"
    )


_COUNTS_SQL = f"""
SELECT count(*), count(*) FILTER (WHERE list_has_any(found_by, {list(EXACT_KINDS)!r}))
FROM pairs
"""  # noqa: S608 - built from constants only

# Which fields agreed, the same levels as the model's comparisons. Only the pairs at or above
# the floor are looked at and leave DuckDB: about a million pairs are scored at 100k accounts,
# nearly all far below any threshold.
_ABOVE_SQL = f"""
SELECT p.join_key_l, p.join_key_r, p.probability, p.found_by,
    CASE WHEN name_compact_l IS NULL OR name_compact_r IS NULL THEN NULL
        WHEN {_NAME_EXACT} THEN 'exact' WHEN list_has_any(skels_l, skels_r) THEN 'skeleton'
        WHEN {_JW} >= 0.93 THEN 'fuzzy_high' WHEN {_JW} >= 0.85 THEN 'fuzzy' ELSE 'differs' END,
    CASE WHEN city_key_l IS NULL OR city_key_r IS NULL THEN NULL
        WHEN city_key_l = city_key_r THEN 'exact' ELSE 'differs' END,
    {_array_level("phones")}, {_array_level("emails")}, {_array_level("domains")},
    {_array_level("taxes")}
FROM (
    SELECT p.*, l.name_compact AS name_compact_l, r.name_compact AS name_compact_r,
        l.name_lat2 AS name_lat2_l, r.name_lat2 AS name_lat2_r, l.skels AS skels_l,
        r.skels AS skels_r, l.city_key AS city_key_l, r.city_key AS city_key_r,
        l.phones AS phones_l, r.phones AS phones_r, l.emails AS emails_l, r.emails AS emails_r,
        l.domains AS domains_l, r.domains AS domains_r, l.taxes AS taxes_l, r.taxes AS taxes_r
    FROM (
        SELECT p.*, s.match_probability AS probability FROM pairs p
        JOIN {{predictions}} s ON p.join_key_l = least(s.unique_id_l, s.unique_id_r)
            AND p.join_key_r = greatest(s.unique_id_l, s.unique_id_r)
        WHERE s.match_probability >= $floor
    ) p
    JOIN records l ON l.unique_id = p.join_key_l
    JOIN records r ON r.unique_id = p.join_key_r
) p
ORDER BY p.probability DESC, p.join_key_l, p.join_key_r
"""  # noqa: S608 - built from constants only


def _settings(n: int, u_shared: dict[str, float]) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    jw = _JW
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_compact"),
            cll.CustomLevel(_NAME_EXACT, label_for_charts="exact").configure(m_probability=0.35),
            cll.CustomLevel(
                "list_has_any(skels_l, skels_r)", label_for_charts="skeleton"
            ).configure(m_probability=0.4),
            cll.CustomLevel(f"{jw} >= 0.93", label_for_charts="fuzzy_high").configure(
                m_probability=0.12
            ),
            cll.CustomLevel(f"{jw} >= 0.85", label_for_charts="fuzzy").configure(
                m_probability=0.08
            ),
            cll.ElseLevel().configure(m_probability=0.05),
        ],
    )

    # Shared keys are strongly correlated (a shared e-mail implies a shared domain), which
    # misleads EM: their m stay at these prior rates; EM learns the name and city levels.
    # Phones' and tax ids' u is counted exactly over all pairs (see _shared_key_u): a random
    # sample of a few hundred thousand pairs almost never sees two strangers share one. Mail
    # boxes and domains keep their sampled u: office@ and info@ boxes on one domain are shared
    # by related companies, so they must not outweigh a name and a phone.
    def array(column: str, label: str, m_same: float) -> Any:
        exact: dict[str, Any] = {"m_probability": m_same, "fix_m_probability": True}
        differs: dict[str, Any] = {"m_probability": 1 - m_same, "fix_m_probability": True}
        if column in u_shared:
            u = min(max(u_shared[column], 1e-12), 0.5)
            exact |= {"u_probability": u, "fix_u_probability": True}
            differs |= {"u_probability": 1 - u, "fix_u_probability": True}
        return cl.CustomComparison(
            output_column_name=label,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ArrayIntersectLevel(column, 1).configure(label_for_charts="exact", **exact),
                cll.ElseLevel().configure(**differs),
            ],
        )

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name,
            cl.CustomComparison(
                output_column_name="city",
                comparison_levels=[
                    cll.NullLevel("city_key"),
                    cll.ExactMatchLevel("city_key").configure(m_probability=0.97),
                    cll.ElseLevel().configure(m_probability=0.03),
                ],
            ),
            array("phones", "phone", 0.8),
            array("emails", "email", 0.7),
            array("domains", "domain", 0.97),
            # Two valid, different tax ids are two legal entities: that must stay decisive
            # even where EM sees too few such pairs to learn it.
            array("taxes", "tax_id", 0.99999),
        ],
        # About one account in thirty has a duplicate: the prior that a random pair matches.
        probability_two_random_records_match=max(1.0 / 30.0 / max(n, 2), 1e-9),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=20,
    )


def find_duplicates(
    *,
    account_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    min_probability: float = 0.0,
) -> MatchResult:
    """Score every candidate pair of the base (or of `account_ids`). Reads only.

    All pairs are scored and counted; only those at or above `min_probability` are returned
    (100k accounts make about a million pairs, nearly all of them far below any threshold).
    """
    report = progress or (lambda stage, done, total: None)
    report("load", 0, 4)
    records = load_records(account_ids)
    n = records.num_rows
    report("load", 1, 4)
    names = records.select(["unique_id", "name_lat", "skel", "prefix"])
    if n < 2:
        report("score", 4, 4)
        return MatchResult(accounts=n, pairs=[], names=names)

    con = duckdb.connect(":memory:")
    con.sql("SET threads TO 2")
    con.register("records_arrow", records)
    con.sql("CREATE TABLE records AS SELECT * FROM records_arrow")
    con.sql(_KEYS_SQL)
    con.sql(_PAIRS_SQL.format(max_block=MAX_BLOCK))
    report("load", 2, 4)
    pair_count = con.sql("SELECT count(*) FROM pairs").fetchall()[0][0]
    if not pair_count:
        report("score", 4, 4)
        return MatchResult(accounts=n, pairs=[], names=names)

    predictions = _score(con, records, n)
    report("score", 3, 4)
    scored, exact = con.sql(_COUNTS_SQL).fetchall()[0]
    pairs = [
        ScoredPair(
            left_id=int(left),
            right_id=int(right),
            probability=float(probability),
            agreements={
                field: level for field, level in zip(AGREEMENT_FIELDS, levels, strict=True) if level
            },
            found_by=list(found_by),
        )
        for left, right, probability, found_by, *levels in con.execute(
            _ABOVE_SQL.format(predictions=predictions), {"floor": min_probability}
        ).fetchall()
    ]
    con.close()
    report("score", 4, 4)
    return MatchResult(
        accounts=n, pairs=pairs, names=names, pairs_scored=int(scored), pairs_exact=int(exact)
    )


_KEY_COLUMNS = {"tax_id": "taxes", "phone": "phones"}


def _shared_key_u(con: duckdb.DuckDBPyConnection, n: int) -> dict[str, float]:
    """Share of all pairs that share a key of each kind: an upper bound of u (true duplicates
    are counted too, which only makes the evidence of a shared key look weaker)."""
    rows = con.sql(
        "SELECT kind, sum(c * (c - 1) / 2) FROM ("
        " SELECT kind, key, count(DISTINCT uid) AS c FROM keys"
        " WHERE kind IN ('tax_id', 'phone') GROUP BY kind, key"
        ") GROUP BY kind"
    ).fetchall()
    total = n * (n - 1) / 2
    return {_KEY_COLUMNS[kind]: float(pairs or 0) / total for kind, pairs in rows}


def _score(con: duckdb.DuckDBPyConnection, records: pa.Table, n: int) -> str:
    """Train the model and score the blocked pairs; returns the predictions' table name."""
    from splink import DuckDBAPI, Linker, block_on

    db_api = DuckDBAPI(connection=con)
    frame = db_api.register(records, table_name="identity_records")
    linker = Linker(frame, _settings(n, _shared_key_u(con, n)), log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=300_000, seed=SEED, min_count_per_level=None, num_chunks=1
    )
    # EM on two blockings that share no comparison, so each comparison's m gets estimated.
    # A small base may have no pairs for a rule (no two accounts share a mail domain): then
    # that rule's comparisons keep their starting m values instead of failing the run.
    from splink.internals.exceptions import EMTrainingException

    for rule in (block_on("skel"), block_on("domain1")):
        with contextlib.suppress(EMTrainingException):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    con.sql(
        "CREATE TABLE identity_blocked_pairs AS "
        "SELECT '0' AS match_key, join_key_l, join_key_r FROM pairs"
    )
    blocked = db_api.register("identity_blocked_pairs")
    linker.table_management.register_blocked_pairs_for_predict(blocked)
    predictions = linker.inference.predict()
    return str(predictions.physical_name)
