-- Canonical tables of the design (ARCHITECTURE.md, "Data model"). Column names are a contract.

CREATE SEQUENCE IF NOT EXISTS source_id_seq START 1;

CREATE TABLE IF NOT EXISTS sources (
    source_id        INTEGER PRIMARY KEY,
    path             VARCHAR NOT NULL,
    filename         VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL UNIQUE,
    size_bytes       BIGINT,
    modified_at      TIMESTAMP,
    layout           VARCHAR NOT NULL,
    target_table     VARCHAR NOT NULL,
    encoding         VARCHAR,
    rows_read        BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    options          JSON,
    -- Where the rows are stored (see warehouse/facts.py) and how their source_line is known.
    storage_table    VARCHAR,
    line_offset      BIGINT,
    line_stored      BOOLEAN,
    loaded_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    duration_s       DOUBLE
);

CREATE TABLE IF NOT EXISTS quarantine (
    source_id INTEGER NOT NULL,
    line      BIGINT,
    raw       VARCHAR,
    reason    VARCHAR NOT NULL
);

-- Fact tables are views over one storage table per loaded file (warehouse/facts.py); these
-- empty tables give the views their columns and types when nothing is loaded yet.
CREATE TABLE IF NOT EXISTS _trade_flows_empty (
    period      DATE NOT NULL,
    freq        VARCHAR NOT NULL,
    reporter    VARCHAR NOT NULL,
    partner     VARCHAR NOT NULL,
    flow        VARCHAR NOT NULL,
    hs_code     VARCHAR NOT NULL,
    hs6         VARCHAR,
    hs_version  VARCHAR,
    value       DECIMAL(18, 4),
    currency    VARCHAR,
    value_usd   DECIMAL(18, 4),
    net_kg      DOUBLE,
    qty         DOUBLE,
    qty_unit    VARCHAR,
    source_id   INTEGER NOT NULL,
    source_line BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS _shipments_empty (
    date                DATE NOT NULL,
    declaration_no      VARCHAR,
    line_no             INTEGER,
    direction           VARCHAR,
    shipper_name        VARCHAR,
    shipper_address     VARCHAR,
    shipper_country     VARCHAR,
    shipper_id          VARCHAR,
    consignee_name      VARCHAR,
    consignee_address   VARCHAR,
    consignee_country   VARCHAR,
    consignee_id        VARCHAR,
    declarant_name      VARCHAR,
    declarant_id        VARCHAR,
    origin_country      VARCHAR,
    departure_country   VARCHAR,
    destination_country VARCHAR,
    hs_code             VARCHAR NOT NULL,
    hs6                 VARCHAR,
    description         VARCHAR,
    manufacturer        VARCHAR,
    brand               VARCHAR,
    value               DECIMAL(18, 4),
    currency            VARCHAR,
    value_usd           DECIMAL(18, 4),
    net_kg              DOUBLE,
    qty                 DOUBLE,
    qty_unit            VARCHAR,
    transport           VARCHAR,
    extra               JSON,
    source_id           INTEGER NOT NULL,
    source_line         BIGINT NOT NULL
);

-- One row per engine run; findings point at it.
CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,
    command     VARCHAR NOT NULL,
    params      JSON,
    started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS findings (
    finding_id   VARCHAR PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    score        DOUBLE NOT NULL,
    subject_type VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    period_start DATE,
    period_end   DATE,
    headline     VARCHAR NOT NULL,
    metrics      JSON,
    evidence     JSON,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE OR REPLACE VIEW trade_flows AS SELECT * FROM _trade_flows_empty;
CREATE OR REPLACE VIEW shipments AS SELECT * FROM _shipments_empty;
