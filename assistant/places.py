"""Local authority areas with a youth offending team, so a question about one the index does not
hold gets an honest "no report for X" instead of passages from other services.

Why a list: a question like "what rating did the Leeds YOT get?" names no indexed service, so the
retriever would happily return the nearest passages from Kirklees or Wigan and the answer would read
as if it were about Leeds. Place names are plain data (English and Welsh youth justice areas, plus a
few regional names people use); matching is whole-word and case-insensitive, and a place that is
also part of an indexed service's name ("City of London", "Greater Manchester" inside a report's
prose) is never reported as unknown when that service is indexed.
"""

from __future__ import annotations

import re
from typing import Sequence

PLACES: tuple[str, ...] = (
    # London boroughs
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield",
    "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham",
    "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster", "City of London",
    # Metropolitan districts
    "Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford", "Wigan",
    "Knowsley", "Liverpool", "St Helens", "Sefton", "Wirral", "Barnsley", "Doncaster", "Rotherham", "Sheffield",
    "Gateshead", "Newcastle", "North Tyneside", "South Tyneside", "Sunderland", "Birmingham", "Coventry", "Dudley",
    "Sandwell", "Solihull", "Walsall", "Wolverhampton", "Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield",
    # Unitary and county areas
    "Bath and North East Somerset", "Bedford", "Blackburn with Darwen", "Blackpool", "Bournemouth", "Bracknell Forest",
    "Brighton and Hove", "Bristol", "Buckinghamshire", "Cambridgeshire", "Central Bedfordshire", "Cheshire East",
    "Cheshire West and Chester", "Cornwall", "Cumbria", "Darlington", "Derby", "Derbyshire", "Devon", "Dorset",
    "Durham", "East Riding of Yorkshire", "East Sussex", "Essex", "Gloucestershire", "Halton", "Hampshire",
    "Hartlepool", "Herefordshire", "Hertfordshire", "Hull", "Isle of Wight", "Isles of Scilly", "Kent", "Lancashire",
    "Leicester", "Leicestershire", "Lincolnshire", "Luton", "Medway", "Middlesbrough", "Milton Keynes", "Norfolk",
    "North East Lincolnshire", "North Lincolnshire", "North Somerset", "North Yorkshire", "Northamptonshire",
    "Northumberland", "Nottingham", "Nottinghamshire", "Oxfordshire", "Peterborough", "Plymouth", "Portsmouth",
    "Reading", "Redcar and Cleveland", "Rutland", "Shropshire", "Slough", "Somerset", "South Gloucestershire",
    "Southampton", "Southend", "Staffordshire", "Stockton-on-Tees", "Stoke-on-Trent", "Suffolk", "Surrey", "Swindon",
    "Telford and Wrekin", "Thurrock", "Torbay", "Warrington", "Warwickshire", "West Berkshire", "West Sussex",
    "Wiltshire", "Windsor and Maidenhead", "Wokingham", "Worcestershire", "York",
    # Wales
    "Blaenau Gwent", "Bridgend", "Caerphilly", "Cardiff", "Carmarthenshire", "Ceredigion", "Conwy", "Denbighshire",
    "Flintshire", "Gwynedd", "Anglesey", "Merthyr Tydfil", "Monmouthshire", "Neath Port Talbot", "Newport",
    "Pembrokeshire", "Powys", "Rhondda Cynon Taf", "Swansea", "Torfaen", "Vale of Glamorgan", "Wrexham",
)

#: Names that are also ordinary words: they count only when typed with a capital letter.
_CAPITALISED_ONLY = frozenset({"Reading", "Bury", "Sutton", "Kent", "Hull", "York", "Derby", "Newport", "Halton"})
#: Regions whose names contain a place: "Greater Manchester" is not the Manchester YOT.
_REGIONS = re.compile(r"\bgreater manchester\b|\bwest yorkshire\b|\bsouth yorkshire\b|\bnorth yorkshire police\b", re.I)

_NORM = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return " " + _NORM.sub(" ", text.lower().replace("saint ", "st ")).strip() + " "


def unknown_places(question: str, services: Sequence[str]) -> list[str]:
    """Places the question names that are not (part of) an indexed service's name."""
    q = _norm(_REGIONS.sub(" ", question))
    known = [_norm(s) for s in services if s]
    out: list[str] = []
    for place in sorted(PLACES, key=len, reverse=True):
        p = _norm(place)
        if p not in q:
            continue
        if place in _CAPITALISED_ONLY and not re.search(r"\b" + place + r"\b", question):
            continue
        q = q.replace(p, " ")  # "North Tyneside" is not also "Tyneside"
        if any(p in k or k in p for k in known):
            continue
        out.append(place)
    return out
