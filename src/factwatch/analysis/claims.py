"""Check-worthy claims: sentences that assert a checkable fact (stage ``claims``).

A sentence is check-worthy when it asserts something about a person, institution, event,
number or cause, as opposed to an opinion, a question, a greeting or an advert. No NER or
claim-detection model for these languages ships offline, so the score is a weighted sum of
multilingual surface features (numbers, capitalised names, an institution lexicon, reporting
and event verbs against question marks, first-person opinion markers, imperatives and ads),
squashed to 0..1. Weights were set on the dev half of tests/data/facts/checkworthy_labelled.jsonl;
docs/matching.md reports the test half against a "number or named entity" baseline.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from factwatch.models import NewClaim
from factwatch.analysis._text import detect_language, latin_key, split_sentences
from factwatch.progress import Progress
from factwatch.store import Store

__all__ = ["ClaimStats", "extract_claims", "score_sentence", "checkworthy_sentences", "THRESHOLD"]

THRESHOLD = 0.5
MIN_CHARS = 20
MAX_CHARS = 600

# Lexicons are matched on the Latin key (casefolded, transliterated, accent-free), so one
# entry serves Serbian Cyrillic and Latin, Macedonian, Bosnian, Croatian and Montenegrin.
_INSTITUTIONS = frozenset(
    """
    nato eu eulex kfor unmik ohr osce oebs obse un oun ujedinjen who voz sad usa us eua amerik rusij rusia russia
    kremlj kremlin moskv moscow vasingt washington brisel brussels bruxel vlada vlade vladi vlast government
    qeveri qeveria ministarstv ministry ministri ministria ministar minister ministr predsednik predsjednik
    president presidenti presidentit premijer premier kryeministr skupstin parlament parliament kuvend sobranie
    sobranij assembly sud court gjykat tuzilast prosecutor prokurori policij police policia vojsk army ushtri
    armij military agencij agency komisij commission parlamentu europsk evropsk european evropian kosov kosova
    kosovo srbij serbia serbi bih bosn hercegovin makedonij macedonia maqedoni albanij albania shqiperi crn
    montenegro ukrajin ukraine ukrain beograd belgrade pristin prishtin sarajev skopj tiran podgoric
    vucic kurti putin zelensk dodik rama biden trump orban plenkovic
    pfizer vakcin vaccine vaksin covid koron corona referendum izbor izbori election zgjedhje sankcij sanctions
    sanksion
    """.split()
)
_REPORTING = (
    "izjavio", "izjavila", "izjavili", "rekao", "rekla", "rekli", "kazao", "kazala", "tvrdi", "tvrde", "tvrdio",
    "navodi", "navode", "prema", "saopstio", "saopstila", "saopstenje", "objavio", "objavila", "objavili",
    "potvrdio", "potvrdila", "najavio", "najavila", "istakao", "istakla", "izvestava", "izvjestava", "javlja",
    "said", "says", "claimed", "claims", "according", "reported", "reports", "announced", "confirmed", "stated",
    "told", "revealed", "tha", "deklaroi", "sipas", "njoftoi", "konfirmoi", "raportoi", "theksoi", "pohoi",
    "izjavi", "rece", "soopsti", "spored", "potvrdi", "zayavil", "soobshchil", "zaiavi",
)
_EVENT_VERBS = (
    "bombard", "bombed", "killed", "ubio", "ubili", "ubijen", "poginul", "died", "umrl", "zabran", "banned",
    "ban ", "potpisa", "signed", "nenshkr", "povecan", "porasl", "increased", "rose", "fell", "smanjen",
    "decreased", "finansir", "financ", "funded", "plati", "paid", "platil", "izazva", "caused", "uzrokova",
    "shkaktoi", "planira", "plans", "planned", "organizova", "organised", "organized", "napad", "attack",
    "sulm", "uhapsen", "arrested", "arrestua", "usvoji", "adopted", "miratoi", "odlucil", "decided", "vendosi",
    "priznal", "recogniz", "njoh", "poslal", "sent", "dergoi", "isporuc", "delivered", "otvori", "opened",
    "zatvori", "closed", "uvel", "introduced", "odobri", "approved", "prodal", "sold", "kupil", "bought",
    "deport", "protera", "expelled", "naredi", "ordered", "stationed", "rasporedi", "kontrolis", "controls",
    "suspend", "cancel", "otkaz", "ukin", "abolish", "won", "pobedi", "pobijedi", "fitoi", "lost", "izgubi",
    "invest", "ulozi", "built", "izgradi", "nderto", "promis", "obeca", "premto", "joined", "usla", "usao",
    "hyri", "pristao", "pristal", "agreed", "prodaj", "selling", "zatvor", "mbyll", "urdher", "shfuqiz",
    "arresto", "ponist", "annul", "dobija", "receive", "merr", "ostaj", "remain", "mbeten", "resign",
    "ostavk", "doreheq", "promeni", "ndrysho", "changed", "mbajt", "held", "odrzan",
)
_OPINION = (
    "mislim", "smatram", "verujem", "vjerujem", "cini mi se", "po mom", "po meni", "nadam se", "volim", "mrzim",
    "i think", "i believe", "in my opinion", "i feel", "i hope", "i love", "i hate", "we believe", "imo",
    "mendoj", "besoj", "sipas meje", "shpresoj", "me pelqen", "smetam", "mislam", "se nadevam", "mi se cini",
    "sramota", "shameful", "disgrace", "turp", "srama", "bravo", "predivno", "beautiful", "amazing", "awful",
    "strasno", "uzasno", "horrible", "should", "trebalo bi", "treba da", "duhet", "mora da", "must",
)
_ADS = (
    "kupite", "kupi", "porucite", "poruci", "popust", "akcija", "besplatn", "pretplati", "klikni", "kliknite",
    "posetite", "posjetite", "prijavite se", "pozovite", "buy", "order now", "discount", "sale", "free shipping",
    "subscribe", "click", "call now", "sign up", "follow us", "share this", "blej", "porosit", "zbritje",
    "abonohu", "kliko", "kupete", "popust", "pretplatete", "zapishi", "skidka", "kupit", "shop",
)
_GREETINGS = (
    "zdravo", "dobar dan", "dobro jutro", "laku noc", "hvala", "cestitam", "cestitamo", "srecan", "sretan",
    "pozdrav", "dragi", "hello", "hi all", "good morning", "thank you", "thanks", "congratulations", "happy",
    "dear", "pershendetje", "miremengjes", "faleminderit", "urime", "gezuar", "zdravo", "blagodaram",
    "cestitki", "privet", "spasibo", "pozdravuvam",
)
# Service information (weather, forecasts, exchange rates): factual, but nothing a fact-checker
# addresses; in the demo corpus such sentences were the main source of false "addressed" matches
# ("U Bosni i Hercegovini sutra sunčano" met the EUFOR-withdrawal claim on place names alone).
_SERVICE = (
    "suncan", "oblacn", "kisa", "kise", "kisn", "pljusk", "pljusc", "magl", "snezn", "snijeg", "vetrovit",
    "vjetrovit", "temperatur", "prognoz", "padavin", "grmljavin", "celzijus", "stepeni celz", "srednji kurs",
    "kurs evra", "kursn", "tuman", "solnechn", "dozhd", "oblachn", "osadk", "soncev", "sonchev", "magla",
    "me diell", "shira", "shi ", "mjegull", "vranet", "parashikim", "kursi i", "sunny", "cloudy", "showers",
    "forecast", "fog ", "snowfall", "windy", "exchange rate",
)
# Unambiguous first-person forms only: "i", "mi", "me", "ne", "e" are also conjunctions,
# pronouns or particles in BCMS and Albanian.
_FIRST_PERSON = re.compile(r"\b(ja|meni|moj|moja|moje|we|my|our|une|mua|jas|mene|moi)\b")
_FIRST_PERSON_EN = re.compile(r"\bi\b")
# An assertion needs a finite verb; these auxiliaries and copulas mark one cheaply.
_ASSERTIVE = re.compile(
    r"\b(je|su|ce|bice|bio|bila|bili|jeste|is|was|were|has|have|had|will|ka|kane|eshte|ishte|u|do|jane"
    r"|e|bea|bese|beshe|budet|byl|bylo|byli|sa|bil|bila)\b"
)
_NUMBER_RE = re.compile(r"\d")
_NUMBER_WORDS = re.compile(
    r"\b(million|billion|thousand|hundred|percent|milion|miliona|milijard|hiljad|tisuc|hiljada|procen|posto"
    r"|milione|miliard|mije|perqind|milioni|iljadi|procent)\w*\b"
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_ACRONYM_RE = re.compile(r"\b[A-ZА-ЯЂЈЉЊЋЏ]{2,6}\b")
_HASHTAG_RE = re.compile(r"[#@]\w+")

# Weights set on the dev split (see module docstring); bias puts a bare declarative sentence
# without names or numbers just below the threshold.
WEIGHTS: dict[str, float] = {
    "bias": -1.6,
    "number": 1.3,
    "entities": 0.7,  # per capitalised name or acronym, capped at 3
    "institution": 0.9,
    "reporting": 0.9,
    "event": 1.1,
    "assertive": 0.5,
    "question": -4.5,
    "opinion": -1.8,
    "first_person": -0.5,
    "ad": -2.5,
    "greeting": -2.2,
    "exclaim": -0.7,
    "short": -2.0,
    "long": -0.8,
    "url_only": -4.0,
    "hashtags": -0.6,
    "service": -2.5,
}


@dataclass(frozen=True, slots=True)
class ClaimStats:
    documents: int
    sentences: int
    claims: int  # rows inserted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _has(key: str, phrases: tuple[str, ...], *, prefix: bool = True) -> bool:
    """Whether a phrase occurs in the key at a word start (``prefix``) or as whole words."""
    padded = f" {key} "
    return any((f" {p}" if prefix else f" {p} ") in padded for p in phrases)


def sentence_features(sentence: str, language: str | None = None) -> dict[str, float]:
    """Surface features of one sentence (see ``WEIGHTS`` for their signs)."""
    text = sentence.strip()
    no_urls = _URL_RE.sub(" ", text)
    key = latin_key(no_urls, language or "und")
    words = key.split()
    stems = {w[:6] for w in words} | {w[:5] for w in words} | {w[:4] for w in words} | set(words)
    # Capitalised words after the first are names in all these languages (no German-style
    # capitalised nouns here); acronyms (NATO, ЕУ, KFOR) count wherever they stand.
    toks = [t.strip("\"'„“”«»()[],.:;!?") for t in no_urls.split()]
    caps = [t for t in toks[1:] if t[:1].isupper() and not t.isupper() and len(t) > 1]
    acronyms = _ACRONYM_RE.findall(no_urls)
    entities = len(set(caps) | set(acronyms))
    event = _has(key, _EVENT_VERBS)
    return {
        "number": float(bool(_NUMBER_RE.search(no_urls) or _NUMBER_WORDS.search(key))),
        "entities": float(min(entities, 3)),
        "institution": float(bool(stems & _INSTITUTIONS)),
        "reporting": float(_has(key, _REPORTING)),
        "event": float(event),
        "question": float(text.rstrip("\"'”»)").endswith(("?", ";")) or "?" in text[-3:]),
        "assertive": float(bool(_ASSERTIVE.search(key))),
        "opinion": float(_has(key, _OPINION, prefix=False)),
        "first_person": float(bool(_FIRST_PERSON.search(key)) or (language == "en" and bool(_FIRST_PERSON_EN.search(key)))),
        "ad": float(_has(key, _ADS, prefix=False)),
        "greeting": float(_has(key, _GREETINGS, prefix=False)),
        "exclaim": float("!" in text),
        "short": float(len(words) < 5),
        "long": float(len(words) > 60),
        "url_only": float(len(words) < 3 and bool(_URL_RE.search(text))),
        "hashtags": float(len(_HASHTAG_RE.findall(text)) >= 2),
        # "Two drivers died in fog on the motorway" is news, not a forecast.
        "service": float(_has(key, _SERVICE) and not event),
    }


def score_sentence(sentence: str, language: str | None = None) -> tuple[float, dict[str, float]]:
    """Check-worthiness in 0..1 and the features behind it."""
    feats = sentence_features(sentence, language)
    z = WEIGHTS["bias"] + sum(WEIGHTS[name] * value for name, value in feats.items())
    return 1.0 / (1.0 + math.exp(-z)), feats


def checkworthy_sentences(
    text: str, language: str | None = None, *, top: int | None = None, threshold: float = THRESHOLD,
) -> list[tuple[int, int, str, float]]:
    """(start, end, sentence, score) of the check-worthy sentences, best first when ``top`` is set."""
    out = []
    for start, end in split_sentences(text):
        sentence = text[start:end].strip()
        if not (MIN_CHARS <= len(sentence) <= MAX_CHARS * 4):
            continue
        score, _ = score_sentence(sentence, language)
        if score >= threshold:
            out.append((start, end, sentence, score))
    if top is not None:
        out = sorted(out, key=lambda s: (-s[3], s[0]))[:top]
    return out


def extract_claims(
    store: Store, *, threshold: float = THRESHOLD, batch: int = 500, progress: Progress | None = None,
) -> ClaimStats:
    """Split new documents into sentences and keep the check-worthy ones with their offsets."""
    last = int(store.get_cursor("claims") or 0)
    n_docs = n_sentences = n_claims = 0
    total = store.count_documents_after(last) if progress else None
    while True:
        docs = store.documents_after(last, limit=batch)
        if not docs:
            break
        rows: list[NewClaim] = []
        for doc in docs:
            language = doc.language if doc.language not in (None, "", "und") else detect_language(doc.text)
            for start, end in split_sentences(doc.text):
                sentence = doc.text[start:end]
                n_sentences += 1
                stripped = sentence.strip()
                if not (MIN_CHARS <= len(stripped) <= MAX_CHARS):
                    continue
                score, feats = score_sentence(stripped, language)
                if score < threshold:
                    continue
                # Keep offsets of the stripped span so the dashboard highlights exactly the claim.
                lead = len(sentence) - len(sentence.lstrip())
                s0 = start + lead
                rows.append(NewClaim(
                    document_id=doc.id, start=s0, end=s0 + len(stripped), text=stripped, language=language,
                    latin_key=latin_key(stripped, language), score=round(score, 4),
                    features={k: v for k, v in feats.items() if v},
                ))
        # Claims first, cursor second: a crash in between re-reads the batch, and the unique
        # (document_id, start) key turns the re-read into no-ops.
        n_claims += store.insert_claims(rows)
        n_docs += len(docs)
        last = docs[-1].id
        store.set_cursor("claims", str(last))
        if progress:
            progress(n_docs, total, "documents")
    return ClaimStats(documents=n_docs, sentences=n_sentences, claims=n_claims)
