-- What each list version contained, so that any two versions can be compared (`lists diff`).
-- States are kept once per content: an entity that does not change costs one row per version
-- in list_version_entities and nothing in list_entity_states.

-- Every distinct content an entity of a list has had (content_hash as in entities).
CREATE TABLE IF NOT EXISTS list_entity_states (
    list         VARCHAR NOT NULL,
    entity_id    VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    schema       VARCHAR NOT NULL,
    caption      VARCHAR,
    target       BOOLEAN NOT NULL,
    properties   JSON NOT NULL,
    PRIMARY KEY (list, entity_id, content_hash)
);

-- The entities of each version (a delta: the list as it stood after it was applied).
CREATE TABLE IF NOT EXISTS list_version_entities (
    version_id   INTEGER NOT NULL,
    entity_id    VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS list_version_entities_version ON list_version_entities (version_id);
