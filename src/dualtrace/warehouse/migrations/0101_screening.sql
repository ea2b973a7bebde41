-- Screening (dualtrace.screening): the blocking index over list names, screening results of
-- shipment parties, and the analysts' review decisions (append-only).

-- One row per name of an active listed party; rebuilt when a list version changes.
CREATE TABLE IF NOT EXISTS screen_names (
    name_id   BIGINT NOT NULL,
    list      VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    nkeys     INTEGER NOT NULL
);

-- Blocking keys (token skeletons, joined neighbours, phonetic codes) with their idf.
CREATE TABLE IF NOT EXISTS screen_keys (
    key     VARCHAR NOT NULL,
    name_id BIGINT NOT NULL,
    idf     DOUBLE NOT NULL
);

-- Each key once, with its idf (the query side of the blocking join looks keys up here).
CREATE TABLE IF NOT EXISTS screen_key_stats (
    key VARCHAR NOT NULL,
    idf DOUBLE NOT NULL
);

-- Every shipment party screened, and against which list versions (the watermark).
CREATE TABLE IF NOT EXISTS screen_parties (
    party_key   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    country     VARCHAR,
    party_id    VARCHAR,
    roles       VARCHAR[],
    lines       BIGINT,
    watermark   INTEGER,
    screened_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- party -> list entity hits above the threshold, with score and explanation.
CREATE TABLE IF NOT EXISTS party_links (
    party_key    VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    country      VARCHAR,
    party_id     VARCHAR,
    list         VARCHAR NOT NULL,
    entity_id    VARCHAR NOT NULL,
    caption      VARCHAR,
    matched_name VARCHAR,
    score        DOUBLE NOT NULL,
    match_weight DOUBLE NOT NULL,
    programs     VARCHAR[],
    listing_date DATE,
    explanation  VARCHAR,
    features     JSON,
    decision     VARCHAR,
    screened_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Review decisions: append-only audit trail; the latest row per (party, list, entity) counts.
CREATE SEQUENCE IF NOT EXISTS screen_review_seq START 1;
CREATE TABLE IF NOT EXISTS screen_reviews (
    review_id  INTEGER PRIMARY KEY,
    party_key  VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    list       VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    decision   VARCHAR NOT NULL,
    note       VARCHAR,
    reviewer   VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
