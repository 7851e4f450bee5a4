"""Cleaning raw text and the one-call ``normalize`` that ingest uses.

``clean_text`` makes any feed field safe and comparable: NFC, no HTML, no control or
zero-width characters, collapsed whitespace with paragraph breaks kept. ``normalize``
adds language, script, the Latin matching key and sentences.
"""

from __future__ import annotations

import html
import re
import unicodedata

from factwatch.models import Normalized
from factwatch.text.lang import detect_language
from factwatch.text.script import detect_script, latin_key
from factwatch.text.sentences import sentences

__all__ = ["clean_text", "latin_key", "normalize"]

# Language detection reads the title and the start of the body: a language does not
# change after 1,000 characters, and detection time grows with the input.
_LANGUAGE_SAMPLE_CHARS = 1000

# Whole elements whose content is never text (and may be script we must not keep).
_DROP_ELEMENTS_RE = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|math|head)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?.*?(?:\?>|\Z)", re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|pre|header|footer|hr|dd|dt|figcaption)\b[^>]*>",
    re.IGNORECASE,
)
# A tag is "<" + a letter or "/" (so "a < b" and "<3" stay text).
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>?")
# Cc/Cf characters except tab/newline; includes zero-width space/joiners, BOM, bidi marks.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u00ad]"
)
_SPACES_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS_RE = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_BLANK_LINES_RE = re.compile(r"\n\s*\n\s*")
_SPACE_AROUND_NL_RE = re.compile(r" *\n *")


def _strip_html(raw: str) -> str:
    s = _COMMENT_RE.sub(" ", raw)
    s = _DROP_ELEMENTS_RE.sub(" ", s)
    s = _BLOCK_TAG_RE.sub("\n\n", s)
    s = _TAG_RE.sub(" ", s)
    return s


def clean_text(raw: str) -> str:
    """Plain NFC text from ``raw``: HTML removed, entities decoded, whitespace collapsed.

    ``<script>``/``<style>`` contents are dropped entirely; paragraphs stay apart as
    ``"\\n\\n"`` and single line breaks as ``"\\n"``. Idempotent: cleaning clean text is a no-op.
    """
    if not raw:
        return ""
    s = _clean_once(raw)
    # Entities that appear only after tags are stripped ("&amp;lt;" split by a tag) or
    # NFC/strip interactions can leave a second pass with work; iterate to a fixed point
    # so clean_text(clean_text(x)) == clean_text(x).
    for _ in range(4):
        again = _clean_once(s)
        if again == s:
            break
        s = again
    return s


def _clean_once(raw: str) -> str:
    if not raw:
        return ""
    s = raw
    if "<" in s or "&" in s:
        # Decode first so "&lt;script&gt;" can't become a live tag after cleaning,
        # then strip tags (the regex never evaluates anything).
        for _ in range(10):  # double-escaped feeds ("&amp;lt;b&amp;gt;") are common
            if "&" not in s:
                break
            unescaped = html.unescape(s)
            if unescaped == s:
                break
            s = unescaped
        if "<" in s:
            s = _strip_html(s)
            if "<" in s:
                # Tag-like leftovers after decoding (e.g. "<scr<script>ipt>"): strip again
                # until stable so the output never holds a tag.
                for _ in range(5):
                    stripped = _strip_html(s)
                    if stripped == s:
                        break
                    s = stripped
    s = _LINE_BREAKS_RE.sub("\n", s)
    if not s.isascii():
        s = _INVISIBLE_RE.sub("", s)
        s = unicodedata.normalize("NFC", s)
    else:
        s = _INVISIBLE_RE.sub("", s)
    s = _SPACES_RE.sub(" ", s)
    if "\n" in s:
        s = _SPACE_AROUND_NL_RE.sub("\n", s)
        s = _BLANK_LINES_RE.sub(lambda m: "\n\n" if m.group(0).count("\n") >= 2 else "\n", s)
    return s.strip()


def normalize(text: str, *, title: str | None = None, language_hint: str | None = None) -> Normalized:
    """Clean ``text`` and describe it: language, script, Latin key and sentences.

    Language detection reads ``title`` plus the first ~1,000 characters. ``language_hint``
    (a source's registered language) only breaks ties among Serbian, Croatian, Bosnian and
    Montenegrin; clear evidence in the text wins over it.
    """
    clean = clean_text(text) if text else ""
    clean_title = clean_text(title) if title else ""
    sample = f"{clean_title}\n{clean[:_LANGUAGE_SAMPLE_CHARS]}" if clean_title else clean[:_LANGUAGE_SAMPLE_CHARS]
    script = detect_script(sample)
    language, score = detect_language(sample, script=script, hint=language_hint)
    return Normalized(
        text=clean,
        language=language,
        script=script,
        latin_key=latin_key(clean, language),
        sentences=sentences(clean),
        language_score=score,
    )
