"""The SQL that makes the audit table append-only, per database vendor (migration access 0002).

The gate table is not a model, so Django's `flush` does not empty it. SQLite drops a table's
triggers when Django remakes the table (most AlterField/AddField on SQLite): a later migration
that changes AuditEvent must run SQLITE_TRIGGERS again.
"""

from __future__ import annotations

# pg_advisory_xact_lock key: "audit" as a number, shared by every writer of the chain.
CHAIN_LOCK = 0x6175646974

GATE = "CREATE TABLE access_audit_gate (through_seq bigint NOT NULL)"

GUARD_SQL: dict[str, list[str]] = {
    "sqlite": [
        GATE,
        """
        CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE ON access_auditevent
        BEGIN
            SELECT RAISE(ABORT, 'audit rows are append-only: UPDATE is not allowed');
        END
        """,
        """
        CREATE TRIGGER access_auditevent_no_delete BEFORE DELETE ON access_auditevent
        WHEN NOT EXISTS (SELECT 1 FROM access_audit_gate WHERE OLD.seq <= through_seq)
        BEGIN
            SELECT RAISE(ABORT,
                'audit rows are append-only: DELETE only through clientbase audit prune');
        END
        """,
    ],
    "postgresql": [
        GATE,
        """
        CREATE FUNCTION access_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                IF EXISTS (SELECT 1 FROM access_audit_gate WHERE OLD.seq <= through_seq) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION
                    'audit rows are append-only: DELETE only through clientbase audit prune'
                    USING ERRCODE = 'restrict_violation';
            ELSIF TG_OP = 'TRUNCATE' THEN
                IF EXISTS (
                    SELECT 1 FROM access_audit_gate WHERE through_seq = 9223372036854775807
                ) THEN
                    RETURN NULL;
                END IF;
                RAISE EXCEPTION 'audit rows are append-only: TRUNCATE is not allowed'
                    USING ERRCODE = 'restrict_violation';
            END IF;
            RAISE EXCEPTION 'audit rows are append-only: UPDATE is not allowed'
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        f"""
        CREATE FUNCTION access_audit_chain_head(OUT head_seq bigint, OUT head_hash text)
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            -- One round trip for the writer: take the chain lock, then read the head. In a
            -- VOLATILE function the SELECT gets a fresh snapshot, taken after the lock.
            PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
            SELECT seq, hash INTO head_seq, head_hash
                FROM access_auditevent ORDER BY seq DESC LIMIT 1;
        END
        $$
        """,  # noqa: S608 - a constant, no input
        """
        CREATE TRIGGER access_auditevent_append_only
        BEFORE UPDATE OR DELETE ON access_auditevent
        FOR EACH ROW EXECUTE FUNCTION access_auditevent_guard()
        """,
        """
        CREATE TRIGGER access_auditevent_no_truncate
        BEFORE TRUNCATE ON access_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION access_auditevent_guard()
        """,
    ],
}

UNGUARD_SQL: dict[str, list[str]] = {
    "sqlite": [
        "DROP TRIGGER access_auditevent_no_delete",
        "DROP TRIGGER access_auditevent_no_update",
        "DROP TABLE access_audit_gate",
    ],
    "postgresql": [
        "DROP TRIGGER access_auditevent_no_truncate ON access_auditevent",
        "DROP TRIGGER access_auditevent_append_only ON access_auditevent",
        "DROP FUNCTION access_auditevent_guard()",
        "DROP FUNCTION access_audit_chain_head()",
        "DROP TABLE access_audit_gate",
    ],
}

SQLITE_TRIGGERS = GUARD_SQL["sqlite"][1:]
