"""What the official layouts need: the EU, DoD and ownership headers, the FollowTheMoney
dataset fields, English country names and OFAC's month abbreviations.
"""

from __future__ import annotations

DATASET = "dualtrace_demo"
SOURCE_URL = "https://dualtrace.invalid/demo/"  # .invalid: a reserved, never-resolving domain
SEEN = "2024-07-01T00:00:00"

EU_HEADER = [
    "celex",
    "recordId",
    "programKey",
    "annex",
    "measure",
    "startDate",
    "reason",
    "schema",
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "country",
    "nationality",
    "jurisdiction",
    "birthDate",
    "birthPlace",
    "position",
    "passportNumber",
    "gender",
    "appearance",
    "ethnicity",
    "fatherName",
    "motherName",
    "incorporationDate",
    "legalForm",
    "sector",
    "registrationNumber",
    "taxNumber",
    "idNumber",
    "innCode",
    "ogrnCode",
    "kppCode",
    "okpoCode",
    "leiCode",
    "swiftBic",
    "ticker",
    "imoNumber",
    "mmsi",
    "flag",
    "address",
    "phone",
    "email",
    "website",
    "notes",
]
DOD_HEADER = [
    "Name",
    "Clean Name",
    "Alias",
    "Previous Name",
    "Parent Name",
    "Note",
    "Start date",
    "End date",
    "Source Url",
]
OWNERSHIP_HEADER = [
    "parent_name",
    "parent_id",
    "child_name",
    "child_id",
    "share",
    "start_date",
    "end_date",
    "source",
]

COUNTRY_EN = {
    "RU": "Russia",
    "CN": "China",
    "HK": "Hong Kong",
    "AE": "United Arab Emirates",
    "TR": "Turkey",
    "KG": "Kyrgyzstan",
    "KZ": "Kazakhstan",
    "AM": "Armenia",
}

OFAC_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
