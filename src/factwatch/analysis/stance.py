"""Does a text repeat a fact-checked claim, or reject it?

No NLI model for the region's languages ships offline (DESIGN.md), so stance comes from the
fact-check's own verdict plus explicit negation handling: a text that matches a false claim but
flips its polarity ("KFOR is *not* preparing an attack"), or that uses debunking vocabulary
("fake", "lažna vest", "демантовао"), rejects the claim rather than spreading it. Cues are
compared on the Latin key, so one list serves Serbian in both scripts, Macedonian, Russian and
Bulgarian. Pure functions; the matcher and the response cards call them.
"""

from __future__ import annotations

import re
from typing import Literal

from factwatch.text import latin_key

Stance = Literal["repeats", "rejects"]

# Negation words, on the Latin key (lower case, no diacritics; đ -> dj). Per language family,
# because short words collide: Albanian "në" (in) keys to Slavic "ne" (not), "pa" is Albanian
# "without" but Serbian "so".
_EN = frozenset("not no never none nobody nothing without neither nor cannot isnt arent wasnt werent dont "
                "doesnt didnt wont cant hasnt havent".split())
_SLAVIC = frozenset("ne nije nisu nisam nismo niste nece necu nista nikada nikad nijedan nijedna nijedno nikakav "
                    "nikakva nikakvo nikakvog nema nemaju nemamo bez niti "  # sr hr bs cnr
                    "net nikogda nichego nikakoj nikakogo nikakih "  # ru, bg
                    "nikogash nikoj nishto".split())  # mk
_SQ = frozenset("nuk s jo asnje kurre pa".split())
_NEGATION: dict[str, frozenset[str]] = {
    **{lang: _SLAVIC for lang in ("sr", "hr", "bs", "cnr", "mk", "ru", "bg", "uk", "sl")},
    "sq": _SQ,
    "en": _EN,
}
_UNKNOWN = (_EN | _SLAVIC) - {"ne"}  # unknown language: only the unambiguous words
# Words that say the text is a debunk or a denial.
_DEBUNK = re.compile(
    r"\b(fake|hoax|debunk\w*|false|untrue|myth|deni\w*|disinformation|misinformation|"
    r"lazn\w*|laz|lazi|neistin\w*|netacn\w*|netocn\w*|dezinformacij\w*|demant\w*|opovrg\w*|izmisljen\w*|fejk\w*|"
    r"lozh\w*|fejk|oproverg\w*|dezinformaci\w*|"
    r"lazhn\w*|neviastin\w*|nevistinit\w*|"
    r"rreme|genjeshtr\w*|mohon\w*|mohoi|hedh\w* poshte|dezinformat\w*)\b"
)
_TOKEN = re.compile(r"[a-z0-9]+")


def negations(text: str, language: str = "und") -> int:
    """How many negation words the text has (on its Latin key)."""
    words = _NEGATION.get(language, _UNKNOWN)
    return sum(1 for t in _TOKEN.findall(latin_key(text, language)) if t in words)


def debunks(text: str, language: str = "und") -> bool:
    """Whether the text uses the vocabulary of a debunk or a denial."""
    return bool(_DEBUNK.search(latin_key(text, language)))


def stance_towards(text: str, claim: str, *, language: str = "und", claim_language: str = "en") -> Stance:
    """``repeats`` if ``text`` asserts what ``claim`` says, ``rejects`` if it denies or debunks it.

    Polarity is whether any negation word is present (Slavic negative concord stacks them:
    "није планирао никакав напад" is one negation): "X is not so" against "X" flips it, while
    a false claim that itself contains a negation ("EUFOR has no mandate") keeps it when repeated.
    """
    if debunks(text, language) and not debunks(claim, claim_language):
        return "rejects"
    if (negations(text, language) > 0) != (negations(claim, claim_language) > 0):
        return "rejects"
    return "repeats"
