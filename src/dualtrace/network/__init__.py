"""Network: who the counterparties really are, who owns them, how close they sit to a listed party.

``dualtrace network build`` (``build.py``) fills these tables (migration 0400_network.sql):

``party_records`` - every record resolution saw and the party it went to:
    record_id, ref (stable reference: ``pk:<party_key>`` for a (name, country, id) written on the
    declarations - screening's ``party_key``, so ``screen_parties`` / ``party_links`` relate to
    parties through it; ``entity:<list>:<entity_id>`` for a list entity's names; ``lei:<LEI>`` or
    ``own:<hash>`` for owners named only in ownership files), origin (shipment | entity |
    ownership | reading), party_key, name (as written), norm (normalised words), country, raw_id,
    ids (``scheme:value``: inn, ogrn, uscc, lei, kcs = Korean-style importer code, id = weak),
    address, schema, list, entity_id, lines, roles, party_id.
``parties`` - one row per resolved party: party_id (``pty-`` + hash of its anchor record: a list
    entity when it has one), name, country, schema, ids, aliases, records, party_keys, lines,
    roles, first_date, last_date, list_entities, listed (a member is a listed list entity, or a
    member spelling has a confirmed or strong screening hit), programs, founded.
``party_merges`` - the evidence of resolution: one row per join (a_record, b_record, rule, detail,
    score, match_weight, features), see ``resolve.py``.
``party_decisions`` - analysts' split / merge decisions, append-only (``decisions.py``).
``shipment_parties`` - (source_id, source_line) -> shipper_party, consignee_party.
``ownership`` / ``ownership_loads`` - stakes and control relations with share, start and end dates,
    source and evidence (``ownership_store.py``).
``party_control`` - the 50 % rule on a date (``control.py``).
``trade_edges`` - trade between two parties per currency: value, value_usd, lines, controlled
    lines, first and last date, HS6 codes, goods categories (``trade.py``).
``party_exposure`` - per trading party: paths to listed parties by ownership and by trade,
    listed partners, volume shares, intermediary signals (``exposure.py``, ``intermediary.py``).

Findings: ``ownership_exposure``, ``intermediary``, ``sanctioned_network`` (``findings.py``).
"""
