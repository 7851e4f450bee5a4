"""What a text does with a fact-checked claim: repeats it, rejects it, reports it, or asks about it.

No NLI model for the region's languages ships offline (DESIGN.md), so stance comes from explicit
cues compared on the Latin key (``factwatch.text.latin_key``), one list serving Serbian in both
scripts, Croatian, Bosnian, Montenegrin, Macedonian, Russian, Bulgarian, Albanian and English.
The rules are tried in this order, and the first that fires decides (``StanceReading.rule``):

1. ``debunk``      — the vocabulary of a debunk, denial or fact-check ("lažna vest", "демантовао",
                     "фейк", "e rreme", "provjerili smo", "conspiracy theory"), when the claim
                     itself has none → ``rejects``.
2. ``insinuation`` — a hedge that asserts while seeming not to ("nije tajna da", "не секрет, что",
                     "no doubt"), or a rhetorical question ("Is it a coincidence that…?", "Zašto
                     ćute o…?") → ``repeats``. Tabloid insinuation spreads the claim as surely as
                     a statement does, so it gets a response like one.
3. ``question``    — a question mark, or a question particle where a headline drops it ("da li",
                     "je li", "дали", "готовит ли", Albanian initial "a", "whether") → ``asks``.
4. ``negation``    — exactly one of text and claim carries a negation ("KFOR *nije* planirao
                     napad" against "KFOR is preparing an attack"; a claim that itself negates,
                     "EUFOR has *no* mandate", keeps its polarity when repeated) → ``rejects``.
5. ``factive``     — the text presents the claim as found out ("kako saznaje", "revealed",
                     "confirmed") → ``repeats``, even though it names a source.
6. ``attribution`` — a verb of saying or a source marker ("tvrdi", "prema pisanju", "navodno",
                     "утверждает", "според", "sipas", "claims", "according to"), or a headline
                     speaker ("Lavrov: …") → ``reports``.
7. ``default``     — the text asserts what the claim says → ``repeats``.

When a contrastive conjunction splits the text, negation counts only in the clause that shares
the most words with the claim ("KFOR sprema napad, *a* Beograd ne reaguje" repeats the claim);
ties count every tied clause.

Known limits: without a shared word (an English claim against a Slavic text shares only names)
the whole text counts; a denial of a claim that itself negates ("KFOR nije okupaciona sila"
against "KFOR … with no legal mandate") reads as repeating it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from factwatch.text import latin_key

__all__ = ["Stance", "StanceReading", "read_stance", "stance_towards", "negations", "debunks"]

Stance = Literal["repeats", "rejects", "reports", "asks"]
Rule = Literal["debunk", "insinuation", "question", "negation", "factive", "attribution", "default"]

# Negation words, on the Latin key (lower case, no diacritics; đ -> dj). Per language family,
# because short words collide: Albanian "në" (in) keys to Slavic "ne" (not), "pa" is Albanian
# "without" but Serbian "so".
_EN = frozenset("not no never none nobody nothing without neither nor cannot isnt arent wasnt werent dont "
                "doesnt didnt wont cant hasnt havent".split())
_SLAVIC = frozenset("ne nije nisu nisam nismo niste nece necu nista nikada nikad nijedan nijedna nijedno nikakav "
                    "nikakva nikakvo nikakvog nikakve nikakvih nikakvu nema nemaju nemamo bez niti nitko niko "  # BCMS
                    "net nikogda nichego nikakoj nikakogo nikakih nikakaya nikakoe "  # ru
                    "nyama nyamat nikoga nishto nikakav "  # bg
                    "nikogas nikoj nisto".split())  # mk
_SQ = frozenset("nuk s jo asnje kurre pa".split())
_NEGATION: dict[str, frozenset[str]] = {
    **{lang: _SLAVIC for lang in ("sr", "hr", "bs", "cnr", "mk", "ru", "bg", "uk", "sl")},
    "sq": _SQ,
    "en": _EN,
}
_UNKNOWN = (_EN | _SLAVIC) - {"ne"}  # unknown language: only the unambiguous words
_SLAVIC_LANGS = frozenset({"sr", "hr", "bs", "cnr", "mk", "ru", "bg", "uk", "sl"})


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# 1. Debunk, denial and fact-checking vocabulary. Keys differ by transliteration table: Russian
#    "ш" keys to "sh", Serbian "ш" to "s", hence the optional letters.
_DEBUNK = _rx(
    r"fake", r"hoax\w*", r"debunk\w*", r"false(?:ly)?", r"untrue", r"myths?", r"deni\w*", r"disinformation",
    r"misinformation", r"fact ?checks?\w*", r"conspiracy theor\w*", r"baseless", r"unfounded", r"no evidence",
    r"we (?:checked|verified)",
    # sr hr bs cnr
    r"lazn\w*", r"lazno", r"laz", r"lazi", r"neistin\w*", r"netacn\w*", r"netocn\w*", r"dezinformacij\w*",
    r"demant\w*", r"opovrg\w*", r"izmisljen\w*", r"izmisljotin\w*", r"fejk\w*", r"mit", r"mitovi", r"razotkri\w*",
    r"raskrinka\w*", r"teorij\w* zavjer\w*", r"teorij\w* zaver\w*", r"neosnovan\w*", r"bez (?:ikakvih )?dokaza",
    r"provjerili smo", r"proverili smo", r"provereno", r"provjereno",
    # ru bg mk
    r"lozh\w*", r"oproverg\w*", r"dezinformaci\w*", r"razvench\w*", r"mif", r"lzh[ae]\w*", r"falshiv\w*",
    r"teoriya zagovora", r"teoriyata na zagovora", r"lazhn\w*", r"neviastin\w*", r"nevistinit\w*",
    r"nevern\w*", r"my proverili", r"demantira\w*",
    # sq
    r"rreme", r"genjeshtr\w*", r"mohon\w*", r"mohoi", r"mohuan", r"hedh\w* poshte", r"dezinformat\w*",
    r"verifikuam", r"teori\w* konspiracion\w*",
)

# 2. Hedges and rhetorical questions that assert the claim; their negation words are not denials.
_INSINUATION = _rx(
    r"(?:is it|it is no|it s no|no) (?:a )?coincidence", r"not (?:a )?coincidence", r"no secret", r"no doubt",
    r"why (?:is|are|do|does) (?:no ?one|nobody)\w*", r"why (?:is|are) (?:they|the \w+) (?:silent|hiding)",
    r"who benefits", r"what (?:are they|is \w+) hiding",
    # sr hr bs cnr
    r"slucajn\w*", r"zar", r"nije tajna", r"nema sumnje", r"bez sumnje", r"nesumnjivo",
    r"zasto (?:\w+ )?(?:cute|cuti|mucaju|muci|skrivaju|kriju|niko|nitko)", r"kome odgovara", r"sta (?:to )?kriju",
    r"sto (?:to )?kriju",
    # mk
    r"zosto (?:\w+ )?(?:molcat|molci|kriat|krijat|nikoj)", r"ne e tajna", r"nema somnenie", r"sluchajn\w*",
    # ru bg
    r"ne sekret", r"ne sluchajno", r"nesluchajno", r"ne sluchajn\w*", r"sluchajnost\w*", r"bez somneniya",
    r"pochemu (?:\w+ )?molch\w*", r"ne e tayna", r"ne e sluchayno", r"sluchayno", r"nyama sumnenie",
    r"zashto (?:\w+ )?mlachat",
    # sq
    r"rastesi\w*", r"rastesisht", r"nuk eshte sekret", r"pa dyshim", r"pse heshtin",
)

# 3. Question particles, for headlines that drop the question mark.
_QUESTION_START = {
    "slavic": re.compile(r"^(?:da li|je li|hoce li|ce li|ima li|mora li|pravda li|neuzheli)\b"),
    # Macedonian and Bulgarian "дали"; Serbian "dali" is "gave".
    "mk": re.compile(r"^(?:dali|zar)\b"),
    "bg": re.compile(r"^(?:dali|nima|nali)\b"),
    "sq": re.compile(r"^a\b"),
    # No English initial auxiliary: "Do not believe…" is an order, not a question.
}
# Anywhere in the text: indirect questions ("Pitanje je da li…"). Not Macedonian/Bulgarian "dali"
# (Serbian "dali" is "gave") nor Albanian "nëse" ("if" as often as "whether").
_QUESTION_ANY = _rx(r"whether", r"da li", r"a thua")
# Slavic "li" right after the first or second word ("Sprema li KFOR…", "Ще изиска ли…").
_LI = re.compile(r"^(?:\S+ ){1,2}li\b")

# 5. Factive framing: the outlet says it found something out.
_FACTIVE = _rx(
    r"reveal\w*", r"confirm\w*", r"exposed", r"it turned out", r"proven", r"exclusive\w*",
    r"(?:kako )?saznaje\w*", r"saznali smo", r"saznajemo", r"otkri(?:va|o|la|li|vamo|jemo)", r"potvrd\w*",
    r"ekskluziv\w*", r"ispostavilo se", r"dokazano",
    r"stalo izvestno", r"vyyasnilos", r"podtverdil\w*", r"razkri\w*", r"potvardi\w*", r"otkri\w*",
    r"zbuloi", r"konfirmoi", r"konfirmuan",
)

# 6. Attribution: verbs of saying and source markers.
_ATTRIBUTION = _rx(
    # en
    r"claims?", r"claimed", r"claiming", r"alleg\w*", r"according to", r"reported\w*", r"reports?", r"said",
    r"says?", r"posted", r"wrote", r"writes", r"tweeted", r"stated", r"insists?", r"rumou?rs?", r"purportedly",
    r"supposedly", r"reportedly", r"asserted", r"circulating", r"spreading",
    # sr hr bs cnr
    r"tvrd(?:i|e|io|ila|ili|ilo|nja|nje|nju)", r"navod(?:i|e|no|ima)", r"naveo", r"navela", r"naveli",
    r"prenos(?:i|e)", r"pren(?:eo|ela|eli|io|ijeli|ijela)", r"pis(?:e|u|ao|ala|ali|anju)", r"napis(?:ao|ala|ali)",
    r"objav(?:io|ila|ili|ilo|ljeno|ljuje|ljuju)", r"javlja(?:ju)?", r"javio", r"javili", r"kaz(?:e|u)", r"rek(?:ao|la|li)",
    r"izjav(?:io|ila|ili|ljuje)", r"saops?t(?:io|ila|ili|ava)", r"toboze", r"glasin\w*", r"spekul\w*", r"kruzi",
    r"sire se", r"smatra(?:ju)?", r"upozorava(?:ju)?", r"porucu(?:je|ju)", r"poruci(?:o|la|li)",
    r"(?:prema|po) (?:recima|rijecima|navodima|pisanju|izvorima|informacijama|tvrdnjama|podacima)",
    # mk
    r"tvrd(?:at|ese|ea)", r"spored", r"objavi(?:ja|a)?", r"objaveno", r"pisuva(?:at)?", r"izjavi(?:ja)?", r"veli",
    r"velat", r"soopsti(?:ja)?", r"prenesuva(?:at)?", r"prenesoa",
    # ru
    r"utverzhda\w*", r"soobsh\w*", r"po slovam", r"po dannym", r"po informaczii", r"pish(?:ut|et)", r"napisal\w*",
    r"zayav(?:il|ila|ili|lyaet|lyayut)", r"yakoby", r"budto", r"govor(?:it|yat)", r"peredaet", r"peredayut",
    r"rasprostranya\w*", r"sluh\w*", r"slukh\w*",
    # bg
    r"tvard(?:i|yat|eshe|enie|enieto|eniya)", r"saobsht\w*", r"pishe", r"pishat", r"zayavi(?:ha)?", r"zayavyava",
    r"uzh", r"tvardyat", r"spored",
    # sq
    r"pretend\w*", r"sipas", r"raport\w*", r"shkrua\w*", r"deklaro\w*", r"deklaruan", r"tha", r"thote", r"thone",
    r"gjoja", r"publiko\w*", r"publikuan", r"njofto\w*", r"perhap\w*",
)
# Labels that open tabloid headlines ("HITNO: …") are not speakers.
_LABELS = frozenset("hitno breaking urgent sok skandal ekskluzivno exclusive uzivo live video foto vazno update "
                    "upozorenje alarm drama srochno molniya spesham lajm bomba".split())
_SPEAKER = re.compile(r"^\s*((?:[A-ZА-ЯЁЂЈЉЊЋЏЃЌЅЀЍЎ][\w.\-’']*\s?){1,3}):\s")


@dataclass(frozen=True, slots=True)
class StanceReading:
    """A stance with the rule and the words (on the Latin key) that decided it, for the page."""

    stance: Stance
    rule: Rule
    cue: str | None = None

    def explain(self) -> str:
        cue = f" (“{self.cue}”)" if self.cue else ""
        return {
            "debunk": f"the text uses the words of a debunk or denial{cue}",
            "insinuation": f"the text insinuates the claim{cue}",
            "question": f"the text asks whether the claim is true{cue}",
            "negation": f"the text denies what the claim asserts, or asserts what it denies{cue}",
            "factive": f"the text presents the claim as found out{cue}",
            "attribution": f"the text attributes the claim to someone else{cue}",
            "default": "the text asserts the claim",
        }[self.rule]


_HYPHEN_SUFFIX = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


_SQ_NOT = re.compile(r"\b[sS]['\u2019](?=\w)")


def _key(text: str, language: str) -> str:
    """The Latin key with case suffixes kept on their word: Albanian "NATO-s" must not key to "nato s"
    (a bare "s" is Albanian "not"), nor Serbian "NATO-a" to "nato a". Albanian "s'ka" (is not)
    keeps its "s" apart, where the key would glue it to the verb."""
    if language == "sq":
        text = _SQ_NOT.sub("s ", text)
    return latin_key(_HYPHEN_SUFFIX.sub("", text), language)


def negations(text: str, language: str = "und") -> int:
    """How many negation words the text has (on its Latin key), not counting hedges like "no doubt"."""
    return len(_negation_words(_INSINUATION.sub(" ", _key(text, language)), language))


def _negation_words(key: str, language: str) -> list[str]:
    words = _NEGATION.get(language, _UNKNOWN)
    return [t for t in key.split() if t in words]


def debunks(text: str, language: str = "und") -> bool:
    """Whether the text uses the vocabulary of a debunk or a denial."""
    return bool(_DEBUNK.search(_key(text, language)))


def _is_question(text: str, key: str, language: str) -> str | None:
    if "?" in text:
        return "?"
    starts = [_QUESTION_START.get(language), _QUESTION_START["slavic"] if language in _SLAVIC_LANGS else None]
    for rx in [r for r in starts if r] + [_QUESTION_ANY]:
        found = rx.search(key)
        if found:
            return found.group(0)
    if language in _SLAVIC_LANGS or language == "und":
        found = _LI.search(key)
        if found:
            return found.group(0)
    return None


# A contrastive conjunction after a comma, semicolon or dash starts a clause about something else
# ("KFOR sprema napad, a Beograd ne reaguje"); a bare comma does not ("…, pokazuju studije").
_CLAUSE = re.compile(
    r"\s*(?:[,;:]|\s[-–—])\s*(?=(?:a|ali|no|nego|dok|but|while|whereas|yet|а|али|но|док|додека|ама|"
    r"por|kurse|ndersa|ndërsa)\s)", re.IGNORECASE)
_STEM = 5


def _stems(key: str) -> set[str]:
    return {t[:_STEM] for t in key.split() if len(t) >= 3 or t.isdigit()}


def _claim_clauses(text: str, claim_key: str, language: str) -> str:
    """The key of the clauses of ``text`` that share the most words with the claim.

    Ties keep every tied clause (and no shared word keeps the whole text): a negation that may
    belong to the claim counts, since drafting a rebuttal to a denial costs more than missing one.
    """
    clauses = [c for c in _CLAUSE.split(text) if c.strip()]
    if len(clauses) < 2:
        return _key(text, language)
    claim = _stems(_INSINUATION.sub(" ", claim_key))
    keys = [_key(c, language) for c in clauses]
    shared = [len(_stems(k) & claim) for k in keys]
    return " ".join(k for k, n in zip(keys, shared) if n == max(shared))


def _speaker(text: str) -> str | None:
    """A headline speaker ("Lavrov: …", "Ruski MSP: …"), not a label ("HITNO: …")."""
    found = _SPEAKER.match(text)
    if not found:
        return None
    name = found.group(1).strip()
    if latin_key(name) in _LABELS:
        return None
    return name + ":"


def read_stance(text: str, claim: str, *, language: str = "und", claim_language: str = "en") -> StanceReading:
    """How ``text`` relates to ``claim``, with the rule and cue that decided it (see the module doc)."""
    key = _key(text, language)
    claim_key = _key(claim, claim_language)
    # A claim that is itself about a fake ("Bucha was staged, a fake") turns the debunk rule off:
    # its words differ by language ("fake", "фейк", "lažirano"), so a repetition would read as a debunk.
    found = _DEBUNK.search(key)
    if found and not _DEBUNK.search(claim_key):
        return StanceReading("rejects", "debunk", found.group(0))
    found = _cue(_INSINUATION, key, claim_key)
    if found:
        return StanceReading("repeats", "insinuation", found)
    found = _is_question(text, key, language)
    if found:
        return StanceReading("asks", "question", found)
    text_negations = _negation_words(_claim_clauses(text, claim_key, language), language)
    claim_negations = _negation_words(_INSINUATION.sub(" ", claim_key), claim_language)
    if bool(text_negations) != bool(claim_negations):
        return StanceReading("rejects", "negation", (text_negations or claim_negations)[0])
    found = _cue(_FACTIVE, key, claim_key)
    if found:
        return StanceReading("repeats", "factive", found)
    found = _cue(_ATTRIBUTION, key, claim_key) or _speaker(text)
    if found:
        return StanceReading("reports", "attribution", found)
    return StanceReading("repeats", "default")


def _cue(rx: re.Pattern[str], key: str, claim_key: str) -> str | None:
    """The first cue of ``rx`` in the text that the claim itself does not contain.

    A claim that says "… hid a report" does not make every text with "report" an attribution.
    """
    in_claim = {m.group(0) for m in rx.finditer(claim_key)}
    return next((m.group(0) for m in rx.finditer(key) if m.group(0) not in in_claim), None)


def stance_towards(text: str, claim: str, *, language: str = "und", claim_language: str = "en") -> Stance:
    """``repeats``, ``rejects``, ``reports`` or ``asks``: what ``text`` does with ``claim``.

    The match stage calls this once and stores the answer in the match row; pages read it.
    """
    return read_stance(text, claim, language=language, claim_language=claim_language).stance
