-- What each loaded trade file covers (warehouse/coverage.py): per source, reporter, flow,
-- currency, product level and partner ('*' = every partner, level '*' = every code), one row per
-- year with the months present and whether the year is complete, partial or absent.
CREATE TABLE IF NOT EXISTS coverage (
    source_id   INTEGER NOT NULL,
    reporter    VARCHAR NOT NULL,
    partner     VARCHAR NOT NULL,
    flow        VARCHAR NOT NULL,
    currency    VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    freq        VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    months      INTEGER NOT NULL,
    first_month INTEGER,
    last_month  INTEGER,
    partners    INTEGER NOT NULL,
    rows        BIGINT NOT NULL,
    blank_value BIGINT NOT NULL,
    blank_kg    BIGINT NOT NULL,
    status      VARCHAR NOT NULL,
    reason      VARCHAR
);
