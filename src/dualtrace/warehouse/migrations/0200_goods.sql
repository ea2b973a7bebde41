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

-- One row per shipments row.
CREATE TABLE IF NOT EXISTS goods_shipment_tags (
    source_id        INTEGER NOT NULL,
    source_line      BIGINT NOT NULL,
    hs_code          VARCHAR,
    hs_version       VARCHAR,
    hs6              VARCHAR,
    categories       VARCHAR[],   -- code categories + text categories
    code_categories  VARCHAR[],
    text_categories  VARCHAR[],
    chpl_tier        VARCHAR,
    terms            VARCHAR[],   -- words of the description that named the categories
    claims           VARCHAR[],   -- airsoft, toy, sport, hunting, civilian
    flags            VARCHAR[],   -- described_as_other_goods, use_claim, vague_description, unit_value
    reasons          VARCHAR[],   -- one sentence per flag
    mismatch         BOOLEAN NOT NULL,
    primary_flag     VARCHAR,     -- the weightiest flag and the category it concerns
    primary_category VARCHAR,
    risk             DOUBLE,      -- 0..1
    unit_value       DOUBLE,      -- value per unit (qty_unit) or per kg, in unit_basis
    unit_basis       VARCHAR,     -- e.g. 'USD/PCS', 'CNY/KG'
    peer_median      DOUBLE,      -- median unit value of the code's other lines (same basis)
    peers            BIGINT,
    run_id           VARCHAR
);

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
