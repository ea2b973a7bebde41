"""Sanctions and export-control lists, loaded as FollowTheMoney entities into the warehouse.

Every official layout (OFAC legacy CSV and SDN XML, EU journal and consolidated files, UN XML, UK
CSV, US CSL, BIS DPL, DoD 1260H, OpenSanctions FtM JSON / nested JSON / simple CSV / delta) is
parsed into FtM entities by one module of this package and stored by ``store.py`` in these tables
(migration 0100_lists.sql). Other engines read them; only this package writes them.

``entities`` — one row per (list, entity_id); every entity ever loaded for the list.
    list          list name: ``ofac_sdn``, ``ofac_cons``, ``eu_journal_32014R0833``, ``un_sc``,
                  ``us_csl``, ``us_bis_dpl``, ``us_dod_1260h``, ``cn_sanctions`` or, for FtM
                  files, the name given at load (default: the file's dataset).
    entity_id     FtM id: the publisher's id where it has one (``ofac-36``, ``unsc-6907993``,
                  ``eu-32014R0833-IV-1``), the FtM id for FtM input.
    schema        FtM schema: Person, Company, Organization, LegalEntity, Vessel, Airplane, Asset,
                  Address, Sanction, Ownership, Directorship, Family, UnknownLink, Passport...
    caption       display name.
    properties    JSON object {property: [values]} exactly as FtM holds them (all properties;
                  entity-typed values are entity ids of the same list).
    datasets      VARCHAR[] FtM datasets (OpenSanctions) or [list].
    target        true for the listed parties themselves (a Sanction, Address or Ownership
                  record, or an unlisted parent company, is not a target).
    programs      VARCHAR[] sanctions programmes (own ``program``/``programId`` and those of the
                  Sanction entities pointing at it), e.g. ``RUSSIA-EO14024``, ``EU-RUS Annex IV``.
    listing_date  DATE first listing (Sanction ``listingDate``/``startDate``, list start date).
    topics        VARCHAR[] FtM topics (``sanction``, ``export.control``, ``mil``...).
    countries     VARCHAR[] ISO 3166 alpha-3 codes of all country-typed properties.
    first_seen, last_seen, last_change   TIMESTAMP: from the FtM record when it has them, else
                  the version date of the loads that first / last contained the entity.
    active        false once a newer full version no longer contains the entity (kept for
                  history: screening a 2022 shipment against the 2022 list).
    version_id    the list version that last loaded the entity; removed_in: the version that
                  dropped it.
    content_hash  hash of schema+properties, used to tell changed entities apart.

``entity_names`` — (list, entity_id, prop, name, norm, latin, script): every name-typed value
    (name, alias, weakAlias, previousName...); ``norm`` is the comparable form of
    ``dualtrace.normalize.names.analyze`` (tokens, legal forms removed, Latin script),
    ``latin`` the transliterated name, ``script`` an ISO 15924 code (Latn, Cyrl, Hani...).
``entity_ids`` — (list, entity_id, prop, scheme, value, raw): identifiers; ``scheme`` is inn, ogrn,
    uscc, lei, imo, bic, okpo, kpp, registration, tax, passport, id... (recognised by format
    and check digits where possible, see ``dualtrace.normalize.identifiers``); ``value``
    upper-case alphanumeric.
``entity_links`` — (list, entity_id, prop, target_id): every entity-typed property, e.g.
    Ownership ``owner``/``asset``, Sanction ``entity``, LegalEntity ``parent`` (DoD 1260H parent
    column), UnknownLink ``subject``/``object`` (OFAC "Linked To"), ``addressEntity``.
``list_versions`` — one row per load: list, layout, files, sha256, version_date, is_delta, counts
    of entities and targets, and how many targets were added, removed, changed, unchanged.
``list_changes`` — (version_id, list, entity_id, change, schema, caption): what each version
    added, removed or changed.
``list_downloads`` — files fetched by ``dualtrace lists update`` (url, etag, last-modified, sha256).
``list_version_entities`` — (version_id, entity_id, content_hash): the entities of each version
    (a delta: the list after it); ``list_entity_states`` — (list, entity_id, content_hash, schema,
    caption, target, properties): each distinct content an entity has had. Read by
    ``dualtrace.lists.diff``.

Ownership for the network engine: ``SELECT * FROM entity_links WHERE prop IN ('owner', 'asset')``
joined to ``entities`` (schema 'Ownership', properties percentage/startDate/endDate), plus
``prop = 'parent'`` links (DoD 1260H "Parent Name", resolved to an entity of the same list).
"""

from __future__ import annotations

from dualtrace.lists.load import LoadResult, load_paths
from dualtrace.lists.model import ListEntity

__all__ = ["ListEntity", "LoadResult", "load_paths"]
