-- Claim checks (dualtrace claims check): the latest verdict on each structured claim, with the
-- figures, the SQL and the evidence rows, read by the report. claim_key is the sha256 of the
-- structured claim, so checking the same claim again replaces its row.
CREATE TABLE IF NOT EXISTS claim_checks (
    claim_key  VARCHAR PRIMARY KEY,
    text       VARCHAR NOT NULL,
    verdict    VARCHAR NOT NULL,
    sentence   VARCHAR NOT NULL,
    computed   DOUBLE,
    stated     DOUBLE,
    tolerance  VARCHAR,
    missing    VARCHAR,
    claim      JSON NOT NULL,
    sql        JSON,
    evidence   JSON,
    figures    JSON,
    checked_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
