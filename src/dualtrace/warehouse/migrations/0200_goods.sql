-- Goods engine (src/dualtrace/goods): what each shipment and trade flow carries. Rebuilt by
-- `dualtrace classify`; keyed by the fact rows' stable identity (source_id, source_line).

-- One row per declared (hs_code, hs_version): the code's HS6, HS2022 equivalents, categories, tier.
CREATE TABLE IF NOT EXISTS goods_codes (
    hs_code            VARCHAR NOT NULL,   -- as declared
    hs_version         VARCHAR NOT NULL,   -- edition in force (from the row or its date)
    code               VARCHAR,            -- digits only; NULL when the text is not a code
    hs6                VARCHAR,
    hs2022             VARCHAR[],          -- HS2022 codes it corresponds to (strong links)
    weak_hs2022        VARCHAR[],          -- n:n links across headings (not counted)
    description        VARCHAR,            -- HS2022 description
    categories         VARCHAR[],          -- watch categories of the code
    partial_categories VARCHAR[],          -- headings only partly in a category (HS4 flows)
    chpl_tier          VARCHAR,
    chpl_hs6           VARCHAR,
    chpl_link          VARCHAR,
    weak_chpl_tier     VARCHAR,
    run_id             VARCHAR
);

-- Shipments are tagged in two parts: what the rules say of each distinct (code, edition,
-- description) -- customs data repeats descriptions, so this is far smaller than the lines --
-- and, per line, which verdict applies and its unit-value check. goods_shipment_tags joins them.
CREATE TABLE IF NOT EXISTS goods_pairs (
    pid              UBIGINT NOT NULL, -- hash of (hs_code, hs_version, description)
    hs_code          VARCHAR,
    hs_version       VARCHAR,
    description      VARCHAR,
    hs6              VARCHAR,
    hs6_2022         VARCHAR,
    categories       VARCHAR[],   -- code categories + text categories
    code_categories  VARCHAR[],
    text_categories  VARCHAR[],
    chpl_tier        VARCHAR,
    terms            VARCHAR[],   -- words of the description that named the categories
    claims           VARCHAR[],   -- airsoft, toy, sport, hunting, civilian
    flags            VARCHAR[],   -- described_as_other_goods, use_claim, vague_description
    reasons          VARCHAR[],   -- one sentence per flag
    primary_flag     VARCHAR,
    primary_category VARCHAR,
    risk             DOUBLE,
    peer             BOOLEAN,     -- may serve as a unit-value peer (not described as other goods)
    floor_min        DOUBLE,      -- least plausible USD price per piece under the code, if any
    floor_label      VARCHAR,
    run_id           VARCHAR
);

CREATE TABLE IF NOT EXISTS goods_line_tags (
    source_id   INTEGER NOT NULL,
    source_line BIGINT NOT NULL,
    pid         UBIGINT NOT NULL,
    unit_value  DOUBLE,          -- value per unit (qty_unit) or per kg, in unit_basis
    unit_basis  VARCHAR,         -- e.g. 'USD/PCS', 'CNY/KG'
    peer_median DOUBLE,          -- median unit value of the code's lines on the same basis
    peers       BIGINT,
    uv_check    VARCHAR,         -- 'peer' or 'floor' when the unit value is implausible
    uv_reason   VARCHAR,
    run_id      VARCHAR
);

-- One row per shipments row, keyed by (source_id, source_line).
CREATE OR REPLACE VIEW goods_shipment_tags AS
SELECT l.source_id, l.source_line, p.hs_code, p.hs_version, p.hs6, p.categories, p.code_categories,
       p.text_categories, p.chpl_tier, p.terms, p.claims,
       CASE WHEN l.uv_reason IS NULL THEN p.flags ELSE list_append(p.flags, 'unit_value') END AS flags,
       CASE WHEN l.uv_reason IS NULL THEN p.reasons ELSE list_append(p.reasons, l.uv_reason) END AS reasons,
       len(p.flags) > 0 OR l.uv_reason IS NOT NULL AS mismatch,
       coalesce(p.primary_flag, CASE WHEN l.uv_reason IS NOT NULL THEN 'unit_value' END) AS primary_flag,
       p.primary_category,
       CASE WHEN l.uv_reason IS NOT NULL THEN greatest(p.risk, 0.5) ELSE p.risk END AS risk,
       l.unit_value, l.unit_basis, l.peer_median, l.peers, l.run_id
FROM goods_line_tags AS l JOIN goods_pairs AS p USING (pid);

-- One row per trade_flows row: trade statistics carry no description, only the code.
CREATE TABLE IF NOT EXISTS goods_flow_tags (
    source_id          INTEGER NOT NULL,
    source_line        BIGINT NOT NULL,
    hs_code            VARCHAR,
    hs_version         VARCHAR,
    hs6                VARCHAR,
    categories         VARCHAR[],
    partial_categories VARCHAR[],
    chpl_tier          VARCHAR,
    run_id             VARCHAR
);

-- Shipments with their tags, for queries and reports.
CREATE OR REPLACE VIEW goods_shipments AS
SELECT s.*, t.categories, t.code_categories, t.text_categories, t.chpl_tier, t.terms, t.claims,
       t.flags, t.reasons, t.mismatch, t.primary_flag, t.primary_category, t.risk,
       t.unit_value, t.unit_basis, t.peer_median
FROM shipments AS s JOIN goods_shipment_tags AS t USING (source_id, source_line);
