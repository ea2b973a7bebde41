-- Network (dualtrace.network): resolved parties, ownership, the trade/ownership graph and exposure.
-- The docstring of dualtrace/network/__init__.py describes every column.

-- Every record party resolution saw, and the party it was resolved into (rebuilt by each build).
CREATE TABLE IF NOT EXISTS party_records (
    record_id  BIGINT NOT NULL,
    ref        VARCHAR NOT NULL,
    origin     VARCHAR NOT NULL,
    party_key  VARCHAR,
    name       VARCHAR NOT NULL,
    norm       VARCHAR,
    country    VARCHAR,
    raw_id     VARCHAR,
    ids        VARCHAR[],
    address    VARCHAR,
    schema     VARCHAR,
    list       VARCHAR,
    entity_id  VARCHAR,
    lines      BIGINT,
    roles      VARCHAR[],
    party_id   VARCHAR NOT NULL
);

-- One row per resolved party (shipment counterparties, list entities, owners).
CREATE TABLE IF NOT EXISTS parties (
    party_id      VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    country       VARCHAR,
    schema        VARCHAR,
    ids           VARCHAR[],
    aliases       VARCHAR[],
    records       INTEGER NOT NULL,
    party_keys    INTEGER NOT NULL,
    lines         BIGINT NOT NULL,
    roles         VARCHAR[],
    first_date    DATE,
    last_date     DATE,
    list_entities VARCHAR[],
    listed        BOOLEAN NOT NULL,
    programs      VARCHAR[],
    founded       DATE
);

-- Why records were put together: one row per union (rule, ids, names, scores).
CREATE TABLE IF NOT EXISTS party_merges (
    party_id     VARCHAR NOT NULL,
    a_record     BIGINT NOT NULL,
    b_record     BIGINT NOT NULL,
    rule         VARCHAR NOT NULL,
    detail       VARCHAR,
    score        DOUBLE,
    match_weight DOUBLE,
    features     VARCHAR
);

-- Analysts' split / merge decisions: append-only; every build applies them in order.
CREATE SEQUENCE IF NOT EXISTS party_decision_seq START 1;
CREATE TABLE IF NOT EXISTS party_decisions (
    decision_id INTEGER PRIMARY KEY,
    action      VARCHAR NOT NULL,
    refs_a      VARCHAR[] NOT NULL,
    refs_b      VARCHAR[] NOT NULL,
    note        VARCHAR,
    reviewer    VARCHAR NOT NULL,
    decided_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Each shipments row with the parties its shipper and consignee resolved to.
CREATE TABLE IF NOT EXISTS shipment_parties (
    source_id       INTEGER NOT NULL,
    source_line     BIGINT NOT NULL,
    shipper_party   VARCHAR,
    consignee_party VARCHAR
);

-- Ownership and control: stakes from list files (FtM Ownership, DoD 1260H parents), GLEIF
-- level-2 relations and user CSV files. parent / child are node references (see the docstring).
CREATE SEQUENCE IF NOT EXISTS ownership_load_seq START 1;
CREATE TABLE IF NOT EXISTS ownership (
    ownership_id   VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    load_id        INTEGER,
    parent         VARCHAR NOT NULL,
    child          VARCHAR NOT NULL,
    parent_name    VARCHAR,
    parent_id      VARCHAR,
    parent_country VARCHAR,
    parent_schema  VARCHAR,
    child_name     VARCHAR,
    child_id       VARCHAR,
    child_country  VARCHAR,
    share          DOUBLE,
    relation       VARCHAR NOT NULL,
    start_date     DATE,
    end_date       DATE,
    status         VARCHAR,
    evidence       JSON
);

CREATE TABLE IF NOT EXISTS ownership_loads (
    load_id    INTEGER PRIMARY KEY,
    source     VARCHAR NOT NULL,
    layout     VARCHAR NOT NULL,
    files      JSON NOT NULL,
    sha256     VARCHAR NOT NULL,
    records    INTEGER NOT NULL,
    edges      INTEGER NOT NULL,
    skipped    JSON,
    loaded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Aggregated trade between two parties, per currency.
CREATE TABLE IF NOT EXISTS trade_edges (
    shipper_party   VARCHAR NOT NULL,
    consignee_party VARCHAR NOT NULL,
    currency        VARCHAR,
    value           DOUBLE,
    value_usd       DOUBLE,
    lines           BIGINT NOT NULL,
    controlled_lines BIGINT NOT NULL,
    first_date      DATE,
    last_date       DATE,
    hs6             VARCHAR[],
    categories      VARCHAR[]
);

-- The 50 % rule: what listed parties own of each party, as of a date, with the chain of stakes.
CREATE TABLE IF NOT EXISTS party_control (
    party_id        VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    listed          BOOLEAN NOT NULL,
    aggregate_share DOUBLE,
    effective_share DOUBLE,
    sanctioned_by_ownership BOOLEAN NOT NULL,
    controlled_unknown_share BOOLEAN NOT NULL,
    owners          JSON,
    chains          JSON,
    explanation     VARCHAR,
    ended_stakes    JSON
);

-- Per party: distance to listed parties, listed partners, shares of volume, intermediary signals.
CREATE TABLE IF NOT EXISTS party_exposure (
    party_id              VARCHAR NOT NULL,
    name                  VARCHAR,
    country               VARCHAR,
    listed                BOOLEAN NOT NULL,
    sanctioned_by_ownership BOOLEAN NOT NULL,
    ownership_hops        INTEGER,
    ownership_path        JSON,
    trade_hops            INTEGER,
    trade_path            JSON,
    listed_partners       INTEGER NOT NULL,
    high_risk_partners    INTEGER NOT NULL,
    lines                 BIGINT NOT NULL,
    volume_usd            DOUBLE,
    listed_volume_share   DOUBLE,
    high_risk_volume_share DOUBLE,
    first_date            DATE,
    last_date             DATE,
    signals               VARCHAR[],
    signal_detail         JSON
);
