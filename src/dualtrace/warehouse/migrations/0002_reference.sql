-- Reference data (src/dualtrace/reference): countries and their aliases, HS nomenclature and
-- version correlation, the Common High Priority List. Filled by reference.install.ensure_installed.

-- One row per country, territory, former country (kind 'historic') or statistical area
-- (kind 'area': W00 World, EUR European Union, _X Areas nes...). iso3 holds the ISO 3166-1
-- alpha-3 code, or the area code for what ISO does not code.
CREATE TABLE IF NOT EXISTS ref_countries (
    iso3          VARCHAR PRIMARY KEY,
    iso2          VARCHAR,
    iso_numeric   VARCHAR,          -- three digits, as ISO writes it: '004'
    comtrade_code INTEGER,          -- UN Comtrade reporter/partner code (842 USA, 490 Taiwan)
    name_en       VARCHAR NOT NULL,
    name_ru       VARCHAR,
    name_zh       VARCHAR,
    is_area       BOOLEAN NOT NULL,
    kind          VARCHAR NOT NULL  -- country | historic | area
);

-- alias = ref_alias_key(any spelling, code or number that means the country).
CREATE TABLE IF NOT EXISTS ref_country_aliases (
    alias VARCHAR PRIMARY KEY,
    iso3  VARCHAR NOT NULL
);

-- HS2022 chapters (2), headings (4) and subheadings (6).
CREATE TABLE IF NOT EXISTS ref_hs (
    code         VARCHAR PRIMARY KEY,
    level        INTEGER NOT NULL,
    parent       VARCHAR,
    description  VARCHAR NOT NULL,
    section      VARCHAR,
    section_name VARCHAR,
    hs_version   VARCHAR NOT NULL
);

-- Both directions of every correspondence; relationship reads from:to ('1:n' = a split).
-- source: 'dualtrace' for the rows shipped with dualtrace, else the official file's name.
CREATE TABLE IF NOT EXISTS ref_hs_correlation (
    from_version VARCHAR NOT NULL,
    from_code    VARCHAR NOT NULL,
    to_version   VARCHAR NOT NULL,
    to_code      VARCHAR NOT NULL,
    relationship VARCHAR NOT NULL,
    source       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS ref_chpl (
    hs6         VARCHAR PRIMARY KEY,
    tier        VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);

-- HS2017 and HS2022 six-digit codes that reach a CHPL code, with how. Rebuilt whenever the
-- correlation changes, by the same code as reference.chpl.matches. rank 1 is the tier that
-- reference.chpl.tier_of reports; direct = false for n:n group links only.
CREATE TABLE IF NOT EXISTS ref_hs6_chpl (
    hs_version   VARCHAR NOT NULL,
    hs6          VARCHAR NOT NULL,
    chpl_hs6     VARCHAR NOT NULL,
    tier         VARCHAR NOT NULL,
    relationship VARCHAR NOT NULL,
    direct       BOOLEAN NOT NULL,
    source       VARCHAR NOT NULL,
    rank         INTEGER NOT NULL
);

-- The alias key of reference.countries.alias_key, for joins in SQL.
CREATE OR REPLACE MACRO ref_alias_key(x) AS upper(trim(regexp_replace(x, '\s+', ' ', 'g')));

-- The country code a text means, or NULL: ref_country('Russian Federation (Russia)') = 'RUS'.
CREATE OR REPLACE MACRO ref_country(x) AS (
    SELECT iso3 FROM ref_country_aliases WHERE alias = ref_alias_key(x)
);

-- The CHPL tier of an HS2017 or HS2022 code of 6 or more digits (digits only), or NULL.
CREATE OR REPLACE MACRO ref_chpl_tier(code, version) AS (
    SELECT tier FROM ref_hs6_chpl
    WHERE hs_version = version AND hs6 = left(code, 6) AND rank = 1
);
