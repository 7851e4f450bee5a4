"""The words a draft is built from, in each profile language and script, and their plurals.

A draft must read as one language: the verdict and the connecting words come from this table,
in the same language (and, for Serbian and Montenegrin, the same script) as the claim, never an
untranslated label ("Ocjena: misleading"). Keys are draft variants: ``en``, ``sr-Latn``,
``sr-Cyrl``, ``hr``, ``bs``, ``cnr``, ``mk``, ``sq``, ``ru``, ``bg``.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["VARIANTS", "phrase", "plural", "count", "verdict_kind", "VerdictKind"]

VerdictKind = Literal["false", "misleading", "partly_false", "unproven", "true"]

# Predicative verdicts agree with the table's word for "claim": BCMS "tvrdnja" is feminine,
# Macedonian "тврдење", Russian "утверждение" and Bulgarian "твърдение" are neuter.
_BCMS_LATN = {
    "intro": "U opticaju je tvrdnja", "facts": "Činjenice", "source": "Izvor",
    "claim_is": "Ova tvrdnja je {verdict}.", "checked": "Ova tvrdnja je provjerena.",
    "evidence": "Relevantna činjenica",
    "false": "netačna", "misleading": "obmanjujuća", "partly_false": "djelimično netačna", "unproven": "nedokazana",
}
_PHRASES: dict[str, dict[str, str]] = {
    "en": {"intro": "This claim is circulating", "facts": "Facts", "source": "Source", "evidence": "Relevant fact",
           "claim_is": "This claim is {verdict}.", "checked": "This claim has been fact-checked.",
           "false": "false", "misleading": "misleading", "partly_false": "partly false", "unproven": "unproven"},
    "sr-Latn": {**_BCMS_LATN, "checked": "Ova tvrdnja je proverena.", "partly_false": "delimično netačna"},
    "sr-Cyrl": {"intro": "У оптицају је тврдња", "facts": "Чињенице", "source": "Извор", "evidence": "Релевантна чињеница",
                "claim_is": "Ова тврдња је {verdict}.", "checked": "Ова тврдња је проверена.",
                "false": "нетачна", "misleading": "обмањујућа", "partly_false": "делимично нетачна",
                "unproven": "недоказана"},
    "hr": {**_BCMS_LATN, "claim_is": "Ova je tvrdnja {verdict}.", "checked": "Ova je tvrdnja provjerena.",
           "false": "netočna", "partly_false": "djelomično netočna"},
    "bs": dict(_BCMS_LATN),
    "cnr": dict(_BCMS_LATN),
    "mk": {"intro": "Во оптек е тврдењето", "facts": "Факти", "source": "Извор", "evidence": "Релевантен факт",
           "claim_is": "Ова тврдење е {verdict}.", "checked": "Ова тврдење е проверено.",
           "false": "невистинито", "misleading": "заблудувачко", "partly_false": "делумно невистинито",
           "unproven": "недокажано"},
    "sq": {"intro": "Po qarkullon pretendimi", "facts": "Faktet", "source": "Burimi", "evidence": "Fakt përkatës",
           "claim_is": "Ky pretendim është {verdict}.", "checked": "Ky pretendim është verifikuar.",
           "false": "i rremë", "misleading": "mashtrues", "partly_false": "pjesërisht i rremë",
           "unproven": "i paprovuar"},
    "ru": {"intro": "Распространяется утверждение", "facts": "Факты", "source": "Источник", "evidence": "Факт по теме",
           "claim_is": "Это утверждение {verdict}.", "checked": "Это утверждение проверено.",
           "false": "ложно", "misleading": "вводит в заблуждение", "partly_false": "частично ложно",
           "unproven": "не доказано"},
    "bg": {"intro": "Разпространява се твърдението", "facts": "Факти", "source": "Източник", "evidence": "Относим факт",
           "claim_is": "Това твърдение е {verdict}.", "checked": "Това твърдение е проверено.",
           "false": "невярно", "misleading": "подвеждащо", "partly_false": "частично невярно",
           "unproven": "недоказано"},
}
# Quotation marks as each language prints them.
for _v, (_open, _close) in {"en": ("“", "”"), "ru": ("«", "»"), "sq": ("«", "»")}.items():
    _PHRASES[_v].update(open=_open, close=_close)
for _v in ("sr-Latn", "sr-Cyrl", "hr", "bs", "cnr", "mk", "bg"):
    _PHRASES[_v].update(open="„", close="“")
VARIANTS = tuple(_PHRASES)

# Count nouns: (one, few, many). BCMS and Russian numerals take three forms (1, 21 / 2-4, 22-24 /
# 5+, with 11-14 as "many"); Macedonian two (numbers ending in 1 but not 11 take the singular);
# English and Albanian two (only 1 is singular); Bulgarian masculine nouns take the count form after
# any numeral above one.
_BCMS_NOUNS = {"document": ("dokument", "dokumenta", "dokumenata"), "source": ("izvor", "izvora", "izvora"),
               "account": ("nalog", "naloga", "naloga"), "translation": ("prevod", "prevoda", "prevoda")}
# Croatian, Bosnian and Montenegrin (ijekavian) say "prijevod"; an account is a "račun" in Croatian
# and usually a "profil" in Bosnian.
_IJEKAVIAN_NOUNS = {**_BCMS_NOUNS, "translation": ("prijevod", "prijevoda", "prijevoda")}
_NOUNS: dict[str, dict[str, tuple[str, str, str]]] = {
    "en": {"document": ("document", "documents", "documents"), "source": ("source", "sources", "sources"),
           "account": ("account", "accounts", "accounts"), "translation": ("translation", "translations", "translations")},
    "sr-Latn": _BCMS_NOUNS, "cnr": _IJEKAVIAN_NOUNS, "bs": {**_IJEKAVIAN_NOUNS, "account": ("profil", "profila", "profila")},
    "hr": {**_IJEKAVIAN_NOUNS, "account": ("račun", "računa", "računa")},
    "sr-Cyrl": {"document": ("документ", "документа", "докумената"), "source": ("извор", "извора", "извора"),
                "account": ("налог", "налога", "налога"), "translation": ("превод", "превода", "превода")},
    "ru": {"document": ("документ", "документа", "документов"), "source": ("источник", "источника", "источников"),
           "account": ("аккаунт", "аккаунта", "аккаунтов"), "translation": ("перевод", "перевода", "переводов")},
    "mk": {"document": ("документ", "документи", "документи"), "source": ("извор", "извори", "извори"),
           "account": ("профил", "профили", "профили"), "translation": ("превод", "преводи", "преводи")},
    "bg": {"document": ("документ", "документа", "документа"), "source": ("източник", "източника", "източника"),
           "account": ("профил", "профила", "профила"), "translation": ("превод", "превода", "превода")},
    "sq": {"document": ("dokument", "dokumente", "dokumente"), "source": ("burim", "burime", "burime"),
           "account": ("llogari", "llogari", "llogari"), "translation": ("përkthim", "përkthime", "përkthime")},
}

_VERDICTS: dict[str, VerdictKind] = {
    **dict.fromkeys(("false", "disinformation", "fake", "incorrect", "pants on fire", "wrong", "fabricated",
                     "netačno", "netocno", "netačno", "lažno", "laž", "e rreme", "ложь", "неточно"), "false"),
    **dict.fromkeys(("misleading", "missing context", "distorted", "manipulation", "out of context",
                     "obmanjujuće", "manipulacija"), "misleading"),
    **dict.fromkeys(("partly false", "partially false", "mixture", "half true", "mostly false", "partly true",
                     "djelimično netačno", "delimično netačno"), "partly_false"),
    **dict.fromkeys(("unproven", "unverified", "no evidence", "unsupported", "nedokazano"), "unproven"),
    **dict.fromkeys(("true", "correct", "accurate", "mostly true", "tačno", "točno"), "true"),
}


def phrase(variant: str, name: str) -> str:
    """A connecting phrase of the draft in ``variant`` (English when the variant is unknown)."""
    return _PHRASES.get(variant, _PHRASES["en"])[name]


def verdict_kind(verdict: str | None) -> VerdictKind | None:
    """The fact-check's verdict as one of the kinds the table can say; None when it is not one."""
    if not verdict:
        return None
    return _VERDICTS.get(" ".join(verdict.casefold().replace("_", " ").replace("-", " ").split()))


def plural(n: int, variant: str, noun: str) -> str:
    """The form of ``noun`` (``document``, ``source``, ``account``, ``translation``) that follows ``n``."""
    one, few, many = _NOUNS.get(variant, _NOUNS["en"])[noun]
    if variant not in _NOUNS or variant in ("en", "sq", "bg"):
        return one if n == 1 else few  # "21 documents", "21 dokumente", "21 документа"
    if n % 10 == 1 and n % 100 != 11:
        return one  # "21 dokument", "21 документ"
    if variant == "mk":
        return few
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, variant: str, noun: str) -> str:
    """``n`` with its noun: "1 dokument", "2 dokumenta", "5 dokumenata", "1 document"."""
    return f"{n} {plural(n, variant, noun)}"
