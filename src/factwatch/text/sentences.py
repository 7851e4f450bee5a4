"""Rule-based sentence splitting for the region's languages, with character offsets.

A sentence ends at ``.``, ``!``, ``?``, ``…`` (or ``...``), optionally followed by closing
quotes/brackets, then whitespace and a plausible sentence start; and at blank lines. The
rules refuse to split after abbreviations (``npr.``, ``dr.``, ``т.ј.``), initials
(``M. Medenica``), ordinal numbers (``25. jula``), inside decimals (``3.5``, ``1.000``) and URLs.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "sentences"]

# Lower-cased, without the final dot. Serbian/Croatian/Bosnian/Montenegrin Latin and
# Cyrillic, Macedonian, Bulgarian, Russian, Albanian and English news abbreviations.
_ABBREVIATIONS = frozenset(
    """
    npr tj dr g gdin gđa gđica br itd ul st mr mrs ms prof doc mag dipl ing sl tzv
    jan feb mar apr jun jul avg aug sep sept okt oct nov dec god god. str vs etc approx
    min mil mlrd tel fax sv op prim pr kr ok cca oko resp sc jr sr inc ltd co corp no nr
    vol ed eds pp fig al et ca cf ie eg dj ing arh red ured dop izv čl st. stav t
    т.ј тј др г гдин гђа бр итд ул стр тзв сл проф доц мр дипл инж нпр јан феб мар апр
    јун јул авг сеп окт нов дец год мил млрд чл св им т.е т е н.э гр г-н г-жа ул пр
    """.split()
)

# A URL's trailing punctuation belongs to the sentence ("... na www.alo.rs. Onda ...").
_URL_RE = re.compile(r"(?:https?://|www\.)\S*[^\s.,;:!?)\]»”\"'…]", re.IGNORECASE)

# Candidate boundary: terminal punctuation run, optional closers, then whitespace.
_BOUNDARY_RE = re.compile(r"(?:[.!?…]+|\.\.\.)[\"'”“»)\]’]*(?=\s)")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]*[-–—•*]\s)")
_WORD_BEFORE_RE = re.compile(r"([\w.\-]+)$")
_NEXT_START_RE = re.compile(r"\s*([\"'„“”«»(\[‘’\-–—]*)(\S?)")


# Abbreviations that also close sentences ("voće, povrće itd. Sledeće godine ...").
_MAY_END = frozenset({"itd", "etc", "sl", "итд", "сл"})


def _is_abbreviation(text: str, dot: int, next_upper: bool) -> bool:
    """Whether the '.' at ``text[dot]`` ends an abbreviation, initial or ordinal number."""
    # Look back a bounded window: searching from 0 made long articles quadratic.
    m = _WORD_BEFORE_RE.search(text, max(0, dot - 48), dot)
    if not m:
        return False
    word = m.group(1).lower().strip(".-")
    if not word:
        return False
    last = word.rsplit(".", 1)[-1]
    if word in _ABBREVIATIONS or last in _ABBREVIATIONS:
        return not (next_upper and last in _MAY_END)
    if len(last) == 1 and last.isalpha():  # initials: "M. Medenica", "J.R.R. Tolkin"
        return True
    if last.isdigit() and len(last) <= 4:
        # "25. jula", "1. mart", "2019. godine": ordinals and years take a dot in BCMS,
        # and the next word is lowercase; before a capital the number ends a sentence.
        return not next_upper
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` into ``text``, in order, without surrounding space.

    Every span satisfies ``text[start:end].strip() == text[start:end] != ""``.
    """
    if not text or text.isspace():
        return []
    # URLs contain dots followed by text; mask them so no boundary falls inside.
    protected = _URL_RE.sub(lambda m: "x" * len(m.group(0)), text) if ("http" in text or "www." in text) else text

    cuts: list[int] = []
    for m in _PARAGRAPH_RE.finditer(protected):
        cuts.append(m.start())
    for m in _BOUNDARY_RE.finditer(protected):
        punct = m.group(0)
        end = m.end()
        nxt = _NEXT_START_RE.match(protected, end)
        opener, first = (nxt.group(1), nxt.group(2)) if nxt else ("", "")
        if (
            punct == "."
            and _is_abbreviation(protected, m.start(), first.isupper() or bool(opener))
        ):
            continue
        if first and first.islower() and not opener:
            # "...rekao je ... i dodao." / "3... i onda": a lowercase continuation is the
            # same sentence (ellipses mid-sentence, "?!" in quotes).
            continue
        cuts.append(end)

    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        if cut <= start:
            continue
        s, e = start, cut
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        start = cut
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (see ``split_sentences``)."""
    return [text[s:e] for s, e in split_sentences(text)]
