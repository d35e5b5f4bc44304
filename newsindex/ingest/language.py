"""The language of an article whose source does not say it, by py3langid.

py3langid (BSD; a maintained port of langid.py, its model in the package,
4.5 MB) is asked about the article's headline and first few hundred
characters, among the languages news archives most often hold. Its answer
is kept only when it is sure (normalised probability of at least
``MIN_CONFIDENCE``): a table of figures or a three-line brief gets no
language rather than a wrong one, and is stemmed as the index's default,
English. A language the source declares (JSON-LD ``inLanguage``, ``<html
lang>``, a record's ``language`` key) is never replaced.

Text that is plainly English is not given to the detector: when at least
``ENGLISH_SHARE`` of its first words are common English function words
("the", "of", "said"...), it is English, with provenance "english function
words". English news text reaches that share nineteen times in twenty
(Reuters-21578, BBC); news text in 13 other languages (news_html_gold)
reached half of it at most. The detector's model takes half a second to
load and a tenth of a millisecond an article: an English archive is read
without loading it, or nearly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import ExtractedArticle

#: Languages the detector chooses among: ISO 639-1 codes.
LANGUAGES = (
    "ar bg ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv nl no pl pt ro ru sk sl sr sv "
    "th tr uk vi zh"
).split()
MIN_CONFIDENCE = 0.9
ENGLISH_SHARE = 0.12
_ENGLISH_WORDS = frozenset(
    "the of and to that for said was with by from has have were this which will its would been their".split()
)
MIN_SAMPLE_WORDS = 10
_LETTER_WORDS = re.compile(r"[^\W\d_]{3,}")
_FIRST_WORDS = 80
_MIN_WORDS = 20
#: Characters of the text read: enough for a sure answer on news prose,
#: few enough that detection costs an English add little.
SAMPLE_CHARS = 200


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is in, or None when unsure
    (a sample of fewer than ``MIN_SAMPLE_WORDS`` words of letters, such as a
    table of figures, is not asked about)."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(_LETTER_WORDS.findall(sample)) < MIN_SAMPLE_WORDS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def with_language(article: ExtractedArticle) -> ExtractedArticle:
    """The article with its language, when its source gave none: "en" from
    "english function words", or py3langid's answer when it is sure."""
    if article.language:
        return article
    if _plainly_english(article.body):
        return article.with_field("language", "en", "english function words")
    code = detect(f"{article.title or ''}\n{article.body}")
    return article.with_field("language", code, "py3langid") if code else article


def _plainly_english(text: str) -> bool:
    words = text[: _FIRST_WORDS * 12].lower().split()[:_FIRST_WORDS]
    return len(words) >= _MIN_WORDS and sum(w in _ENGLISH_WORDS for w in words) >= ENGLISH_SHARE * len(words)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """Loaded once a process (half a second), before the add's workers fork, which share it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier
