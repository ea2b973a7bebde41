-- serve and cases: who may use the server, what they did (audit), and the cases they decide.

CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,          -- argon2id, never the password
    role          VARCHAR NOT NULL,          -- viewer < analyst < reviewer < admin
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    active        BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE IF NOT EXISTS api_keys (
    prefix     VARCHAR PRIMARY KEY,          -- shown in lists and the audit, not secret
    sha256     VARCHAR NOT NULL UNIQUE,      -- of the whole key; the key itself is shown once
    role       VARCHAR NOT NULL,
    username   VARCHAR,                      -- the person the key acts for, if any
    label      VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    revoked_at TIMESTAMP
);

-- Append-only: rows are only ever inserted (cases.audit.append); each row's hash covers the
-- previous row's hash, so an edited or deleted row breaks the chain (cases.audit.verify).
CREATE TABLE IF NOT EXISTS audit_log (
    seq       BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    target    VARCHAR,
    before    JSON,
    after     JSON,
    prev_hash VARCHAR NOT NULL,
    hash      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS cases (
    case_id         VARCHAR PRIMARY KEY,
    origin          VARCHAR NOT NULL,        -- finding | screening
    finding_id      VARCHAR,
    party           VARCHAR,                 -- the screened name (screening alerts)
    party_key       VARCHAR,                 -- its normalised form: the pair is (party_key, list, entity_id)
    list            VARCHAR,
    entity_id       VARCHAR,
    entity_hash     VARCHAR,                 -- the list entry's content_hash when the case opened
    title           VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,        -- open | investigating | closed
    outcome         VARCHAR,                 -- confirmed | false_positive | not_relevant
    assignee        VARCHAR,
    opened_by       VARCHAR NOT NULL,
    opened_at       TIMESTAMP NOT NULL,
    proposed        VARCHAR,                 -- a decision waiting for a second reviewer
    proposed_by     VARCHAR,
    proposed_at     TIMESTAMP,
    decided_by      VARCHAR,
    approved_by     VARCHAR,
    closed_at       TIMESTAMP,
    evidence        JSON                     -- what the case was opened on, as it was then
);

CREATE TABLE IF NOT EXISTS case_comments (
    case_id VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL,
    author  VARCHAR NOT NULL,
    body    VARCHAR NOT NULL
);
