"""Decide how the bytes of one input are encoded, and decode them.

Western Balkan exports come in UTF-8, UTF-8 with a BOM (Excel), Windows-1250 (Croatian,
Bosnian and Serbian Latin: č ć š ž đ), Windows-1251 (Serbian, Macedonian and Russian Cyrillic)
and Latin-1. Both single-byte code pages decode *any* byte string without error, so the choice
between them is made on which one yields plausible words, not on which one succeeds.
"""

from __future__ import annotations

import codecs
import re

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
CP1250 = "cp1250"
CP1251 = "cp1251"
LATIN1 = "latin-1"

_BOMS = (
    (codecs.BOM_UTF8, UTF8_SIG),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_WORD = re.compile(r"[^\W\d_]+")
_LATIN_ASCII = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SOUTH_SLAVIC = frozenset("čćšžđČĆŠŽĐ")
# Letters Latin-1 has and Windows-1250 puts elsewhere (è in Latin-1 is č in 1250, ...).
_WESTERN = frozenset("àâäçèéêëîïôöùûüÿñßãõåæøáíóúÀÂÄÇÈÉÊËÎÏÔÖÙÛÜÑÁÍÓÚ")

# Bytes that never occur in text files: C0 controls other than \t \n \v \f \r and ESC.
_BINARY_BYTES = frozenset(set(range(0, 9)) | set(range(14, 27)) | set(range(28, 32)) | {127})


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def binary_share(sample: bytes) -> float:
    """Share of ``sample``'s bytes that are control bytes no text file contains."""
    if not sample:
        return 0.0
    if bom_encoding(sample) in ("utf-16", "utf-32"):
        return 0.0  # NULs are part of every ASCII letter in UTF-16
    return sum(1 for b in sample if b in _BINARY_BYTES) / len(sample)


def _valid_utf8(sample: bytes, *, truncated: bool) -> bool:
    try:
        sample.decode(UTF8)
        return True
    except UnicodeDecodeError as exc:
        # A sample cut from a longer stream may end inside a multi-byte character.
        return truncated and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"


def _cp1251_penalty(text: str) -> int:
    """Words that mix Latin and Cyrillic letters: what 1250 text looks like read as 1251."""
    bad = 0
    for word in _WORD.findall(text):
        if _CYRILLIC.search(word) and _LATIN_ASCII.search(word):
            bad += 1
    return bad


def _cp1250_penalty(text: str) -> int:
    """Words made mostly of accented letters: what Cyrillic text looks like read as 1250."""
    bad = 0
    for word in _WORD.findall(text):
        if len(word) < 3:
            continue
        accented = sum(1 for ch in word if ord(ch) > 127)
        if accented * 2 > len(word):
            bad += 1
    return bad


def _high_letters(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127 and ch.isalpha())


def guess_single_byte(sample: bytes) -> str:
    """Pick cp1251, cp1250 or latin-1 for bytes that are not UTF-8."""
    as_1251 = sample.decode(CP1251, errors="replace")
    as_1250 = sample.decode(CP1250, errors="replace")
    p1251 = _cp1251_penalty(as_1251) + as_1251.count("\ufffd")
    p1250 = _cp1250_penalty(as_1250) + as_1250.count("\ufffd")
    if p1251 < p1250:
        return CP1251
    if p1251 == p1250 and _high_letters(as_1251) > _high_letters(as_1250):
        return CP1251  # e.g. "Ђ" (0x80) is a letter in 1251 but "€" in 1250
    as_latin1 = sample.decode(LATIN1)
    slavic = sum(1 for ch in as_1250 if ch in _SOUTH_SLAVIC)
    western = sum(1 for ch in as_latin1 if ch in _WESTERN)
    # C1 control characters (0x80-0x9f) are printable letters in 1250 (š, ž) but never text in Latin-1.
    c1 = sum(1 for ch in as_latin1 if "\x80" <= ch <= "\x9f")
    if western > slavic and c1 == 0:
        return LATIN1
    return CP1250


def detect_encoding(sample: bytes, *, truncated: bool = False) -> str:
    """The encoding of a file whose first bytes are ``sample``.

    ``truncated`` says the sample is a prefix of a longer input, so a multi-byte UTF-8
    character cut at its end does not count against UTF-8.
    """
    bom = bom_encoding(sample)
    if bom:
        return bom
    if _valid_utf8(sample, truncated=truncated):
        return UTF8
    if _mostly_utf8(sample):
        return UTF8
    return guess_single_byte(sample)


def _mostly_utf8(sample: bytes) -> bool:
    """Whether a sample that is not all UTF-8 is still a UTF-8 file with a few foreign lines.

    Exports concatenated from several tools carry the odd cp1250 line among UTF-8 ones; those
    lines are rejected, rather than the whole file being read as a single-byte code page.
    Non-ASCII UTF-8 sequences almost never occur by accident in cp1250/cp1251 text.
    """
    good = bad = 0
    for line in sample.split(b"\n")[:-1] or [sample]:
        if line.isascii():
            continue
        try:
            line.decode(UTF8)
            good += 1
        except UnicodeDecodeError:
            bad += 1
    return good > 0 and good >= bad


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole input; returns ``(text, encoding)``. Never raises on bad bytes."""
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), encoding


def decode_line(line: bytes, encoding: str) -> str:
    """Decode one line with the file's encoding; raises ``UnicodeDecodeError`` on bad bytes.

    A UTF-8 file may still carry a lone line in a legacy code page (files concatenated from
    several exports); that line fails here and is rejected rather than decoded as mojibake.
    """
    if encoding == UTF8_SIG:
        encoding = UTF8
        if line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
    return line.decode(encoding)
