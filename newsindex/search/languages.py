"""--lang values: a language code (en, pt-BR) or the language's name, in English or in itself."""

from __future__ import annotations

from ..errors import InvalidValueError

#: Names of the languages news archives most often hold, in English and in
#: the language itself, by their ISO 639-1 code: what sources declare.
_NAMES = {
    "ar": ("arabic", "العربية"), "bg": ("bulgarian", "български"), "ca": ("catalan", "català"),
    "cs": ("czech", "čeština"), "da": ("danish", "dansk"), "de": ("german", "deutsch"),
    "el": ("greek", "ελληνικά"), "en": ("english",), "es": ("spanish", "español", "castellano"),
    "et": ("estonian", "eesti"), "fa": ("persian", "farsi", "فارسی"), "fi": ("finnish", "suomi"),
    "fr": ("french", "français", "francais"), "he": ("hebrew", "עברית"), "hi": ("hindi", "हिन्दी"),
    "hr": ("croatian", "hrvatski"), "hu": ("hungarian", "magyar"), "id": ("indonesian", "bahasa indonesia"),
    "it": ("italian", "italiano"), "ja": ("japanese", "日本語"), "ka": ("georgian", "ქართული"),
    "kk": ("kazakh", "қазақша"), "ko": ("korean", "한국어"), "lt": ("lithuanian", "lietuvių"),
    "lv": ("latvian", "latviešu"), "nl": ("dutch", "nederlands"), "no": ("norwegian", "norsk"),
    "pl": ("polish", "polski"), "pt": ("portuguese", "português", "portugues"), "ro": ("romanian", "română"),
    "ru": ("russian", "русский"), "sk": ("slovak", "slovenčina"), "sl": ("slovenian", "slovenščina"),
    "sr": ("serbian", "српски", "srpski"), "sv": ("swedish", "svenska"), "sw": ("swahili", "kiswahili"),
    "th": ("thai", "ไทย"), "tr": ("turkish", "türkçe"), "uk": ("ukrainian", "українська"),
    "ur": ("urdu", "اردو"), "vi": ("vietnamese", "tiếng việt"), "zh": ("chinese", "中文", "mandarin"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}


def language_code(value: str) -> str:
    """The ISO 639 code ``value`` names: a code as sources write it ("en",
    "pt-BR", "de_AT": its language part), or a language's name ("English",
    "Deutsch"). InvalidValueError, naming the codes to use, otherwise."""
    text = " ".join(value.strip().lower().split())
    if text in _BY_NAME:
        return _BY_NAME[text]
    code = text.replace("_", "-").split("-")[0]
    if code.isascii() and code.isalpha() and 2 <= len(code) <= 3:
        return code
    raise InvalidValueError(
        "command line", "lang", f"{value!r} is not a language code or name: use a code such as en, de, fr, uk"
    )
