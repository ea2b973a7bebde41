-- Sanctions and export-control lists as FollowTheMoney entities (dualtrace.lists).
-- The docstring of dualtrace/lists/__init__.py describes every column; other engines read these.

CREATE SEQUENCE IF NOT EXISTS list_version_seq START 1;

-- One row per load of a list (a full version, or a delta applied in place).
CREATE TABLE IF NOT EXISTS list_versions (
    version_id       INTEGER PRIMARY KEY,
    list             VARCHAR NOT NULL,
    layout           VARCHAR NOT NULL,
    files            JSON NOT NULL,
    sha256           VARCHAR NOT NULL,
    version_date     DATE,
    is_delta         BOOLEAN NOT NULL DEFAULT false,
    previous_version INTEGER,
    entities         INTEGER NOT NULL,
    targets          INTEGER NOT NULL,
    added            INTEGER NOT NULL,
    removed          INTEGER NOT NULL,
    changed          INTEGER NOT NULL,
    unchanged        INTEGER NOT NULL,
    loaded_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    duration_s       DOUBLE
);

-- Every entity ever loaded for a list; removed entities stay (active = false) for history.
CREATE TABLE IF NOT EXISTS entities (
    list           VARCHAR NOT NULL,
    entity_id      VARCHAR NOT NULL,
    schema         VARCHAR NOT NULL,
    caption        VARCHAR,
    properties     JSON NOT NULL,
    datasets       VARCHAR[],
    target         BOOLEAN NOT NULL,
    programs       VARCHAR[],
    listing_date   DATE,
    topics         VARCHAR[],
    countries      VARCHAR[],
    first_seen     TIMESTAMP,
    last_seen      TIMESTAMP,
    last_change    TIMESTAMP,
    active         BOOLEAN NOT NULL,
    version_id     INTEGER NOT NULL,
    removed_in     INTEGER,
    content_hash   VARCHAR NOT NULL,
    PRIMARY KEY (list, entity_id)
);

CREATE TABLE IF NOT EXISTS entity_names (
    list      VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    prop      VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    norm      VARCHAR NOT NULL,
    latin     VARCHAR NOT NULL,
    script    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_ids (
    list      VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    prop      VARCHAR NOT NULL,
    scheme    VARCHAR NOT NULL,
    value     VARCHAR NOT NULL,
    raw       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_links (
    list      VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    prop      VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS list_changes (
    version_id INTEGER NOT NULL,
    list       VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    change     VARCHAR NOT NULL,
    schema     VARCHAR,
    caption    VARCHAR
);

-- Where `lists update` keeps the files it downloaded, with what the publisher said about them.
CREATE TABLE IF NOT EXISTS list_downloads (
    name          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    etag          VARCHAR,
    last_modified VARCHAR,
    status        VARCHAR NOT NULL,
    fetched_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);
