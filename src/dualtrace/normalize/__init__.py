"""What several engines need from a name, an identifier or a file's bytes.

names       name forms: scripts, legal forms, transliteration, tokens and their weights
name_keys   blocking keys for party resolution, built on names
identifiers registration ids (INN, OGRN, LEI, USCC, IMO...): normalise and tell the scheme
encodings   detect a file's text encoding and transcode to UTF-8
party_keys  the key of a counterparty as written (name, country, id); the strong-hit score

Engines (screening, goods, analytics, network) share these instead of importing each other.
"""
