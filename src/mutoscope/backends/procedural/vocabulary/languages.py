"""Dialogue languages: espeak-ng voices, the words that name each language, and a cheap language detector.

Detection is a heuristic, good for short dialogue lines: the script decides first (Han, kana, Hangul,
Cyrillic...), then pinyin tone marks, then language-specific letters and stopwords for Latin-script
languages. It returns None when nothing points anywhere; the planner then uses the speaker's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    espeak_voice: str
    names: tuple[str, ...]  # prompt words: "spanish", "español"
    stopwords: frozenset[str] = frozenset()
    letters: str = ""  # letters that point to this language among Latin-script ones


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en-us", ("english", "american english", "british english"), _words(
            "the and is are you i it to of in that this what how hello hi hey yes no not we they my your "
            "good morning thanks thank please okay ok well look here there where can do don't it's i'm let's "
            "go come on wow oh great nice see know love friend way right just so really sure fine sorry "
            "yeah yep nope all be have out up get got want think time back now today was were will "
            "would could should us our at for with from about like one ready hurry wait stop"), ""),
        Language("es", "Spanish", "es", ("spanish", "español", "espanol", "castilian", "mexican spanish"),
        _words(
            "hola el la los las es está estás y que qué de en un una por favor gracias sí no cómo como yo tú "
            "usted mi muy bien buenos días buenas noches adiós amigo amiga vamos mira aquí dónde pero para "
            "con señor señora soy eres somos también hoy mañana quiero te me lo hasta luego claro nada vale "
            "bueno ahora siempre nunca tengo tiene hay nos vemos"), "ñ¿¡á"),
        Language("fr", "French", "fr-fr", ("french", "français", "francais"), _words(
            "bonjour salut bon appétit le la les est et je tu vous il elle nous oui non merci beaucoup "
            "comment ça va "
            "bien très très une un des du de pas au revoir bonsoir mon ma mes ami amie c'est qu'est-ce que "
            "voilà allons regarde ici où mais pour avec monsieur madame suis es sommes aussi aujourd'hui"),
            "çèêëîïœùû"),
        Language("de", "German", "de", ("german", "deutsch"), _words(
            "hallo der die das ist und ich du sie wir ja nein danke bitte wie geht's gut sehr ein eine nicht "
            "guten tag morgen abend tschüss auf wiedersehen mein dein freund schön hier wo aber für mit "
            "herr frau bin bist sind auch heute was warum schau los"), "äöüß"),
        Language("it", "Italian", "it", ("italian", "italiano"), _words(
            "ciao il lo la gli le è e io tu lei noi sì no grazie prego come stai sto bene molto un una "
            "buongiorno buonasera arrivederci amico amica andiamo guarda qui dove ma per con signore "
            "signora sono sei siamo anche oggi che cosa perché della"), "ìò"),
        Language("pt", "Portuguese", "pt-br", ("portuguese", "português", "portugues", "brazilian",
                                               "brazilian portuguese"), _words(
            "olá ola oi o a os as é e eu você voce nós sim não nao obrigado obrigada por favor como está "
            "tudo bem muito um uma bom dia boa noite tchau amigo amiga vamos olha aqui onde mas para com "
            "senhor senhora sou somos também hoje que"), "ãõç"),
        Language("zh", "Chinese", "cmn", ("chinese", "mandarin", "mandarin chinese", "pinyin"), _words(
            "ni hao nihao wo shi de ma bu hen xie xiexie zaijian zai jian women ta men hao ma dui "
            "shenme zenme meiyou you qing peng you pengyou")),
        Language("ja", "Japanese", "ja", ("japanese", "nihongo"), _words(
            "konnichiwa arigatou arigato sayonara ohayou ohayo desu watashi hai iie sugoi kawaii gozaimasu")),
        Language("ru", "Russian", "ru", ("russian",), _words("privet spasibo da net poka")),
        Language("ko", "Korean", "ko", ("korean",), _words("annyeong annyeonghaseyo kamsahamnida")),
        Language("nl", "Dutch", "nl", ("dutch", "nederlands"), _words(
            "hallo het de een en ik jij wij ja nee dank je wel goedemorgen tot ziens")),
        Language("hi", "Hindi", "hi", ("hindi",), _words("namaste dhanyavaad haan nahin")),
        Language("ar", "Arabic", "ar", ("arabic",), _words("marhaba shukran salaam")),
    )
}  # fmt: skip

# Lines for "two people talk" when the prompt gives no words: short, neutral small talk per language.
SMALL_TALK: dict[str, tuple[str, ...]] = {
    "en": ("Hi! How are you?", "I'm great, thanks. And you?", "Pretty good. Look at this!", "Wow, amazing."),
    "es": ("¡Hola! ¿Cómo estás?", "Muy bien, gracias. ¿Y tú?", "Bien. ¡Mira esto!", "¡Qué bonito!"),
    "fr": ("Salut ! Ça va ?", "Très bien, merci. Et toi ?", "Ça va. Regarde ça !", "C'est magnifique."),
    "de": ("Hallo! Wie geht's?", "Gut, danke. Und dir?", "Auch gut. Schau mal!", "Wie schön."),
    "it": ("Ciao! Come stai?", "Bene, grazie. E tu?", "Bene. Guarda qui!", "Che bello."),
    "pt": ("Oi! Tudo bem?", "Tudo ótimo, obrigado. E você?", "Bem. Olha isso!", "Que lindo."),
    "zh": ("你好！你好吗？", "我很好，谢谢。你呢？", "还不错。你看！", "真漂亮。"),
    "ja": ("こんにちは！元気？", "元気だよ。ありがとう。", "見て！", "すごいね。"),
}
SINGING = {"en": "La la la, la la la la.", "zh": "啦啦啦，啦啦啦。", "ja": "ラララ、ラララ。"}

# Pinyin syllables with tone marks (ǎ, ǐ, ǒ, ǔ, ǚ use the caron, which no European orthography here uses).
_PINYIN_TONE = re.compile(r"[āēīōūǖǎěǐǒǔǚǘǜ]")
_PINYIN_NUMBERED = re.compile(r"\b[a-z]{1,6}[1-5]\b")


def language_for_name(word: str) -> str | None:
    """The language code a prompt word names ("Spanish" -> "es"), or None."""
    word = word.lower()
    for language in LANGUAGES.values():
        if word in language.names:
            return language.code
    return None


def espeak_voice(language: str, text: str = "") -> str:
    """The espeak-ng voice that reads `language`; pinyin text gets the pinyin-reading Mandarin voice."""
    if language == "zh" and text and not _has_script(text, "CJK"):
        return "cmn-latn-pinyin"
    entry = LANGUAGES.get(language)
    return entry.espeak_voice if entry else language


def detect_language(text: str) -> str | None:
    """Guess the language of a short line, or None when it gives no clue."""
    by_script = _language_by_script(text)
    if by_script:
        return by_script
    lowered = text.lower()
    if _PINYIN_TONE.search(lowered) or _PINYIN_NUMBERED.search(lowered):
        return "zh"
    scores = _latin_scores(lowered)
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] > 0 else None


def _language_by_script(text: str) -> str | None:
    if _has_script(text, "HIRAGANA") or _has_script(text, "KATAKANA"):
        return "ja"
    for script, code in (("CJK", "zh"), ("HANGUL", "ko"), ("CYRILLIC", "ru"), ("ARABIC", "ar"),
                         ("DEVANAGARI", "hi")):  # fmt: skip
        if _has_script(text, script):
            return code
    return None


def _has_script(text: str, script: str) -> bool:
    """Whether any character's Unicode name starts with `script` ("CJK", "HIRAGANA", "CYRILLIC"...)."""
    return any(ord(char) > 127 and unicodedata.name(char, "").startswith(script) for char in text)


def _latin_scores(lowered: str) -> dict[str, float]:
    words = re.findall(r"[\w']+", lowered)
    scores: dict[str, float] = {}
    for code, language in LANGUAGES.items():
        hits = sum(1.0 for word in words if word in language.stopwords)
        # A language's own letters are strong evidence: "¿" or "ñ" is Spanish, "ß" German.
        letters = sum(2.0 for char in lowered if char in language.letters)
        scores[code] = hits + letters
    # English stopwords are short and common in loanwords; let it win only on a clear margin.
    scores["en"] *= 0.9
    return scores
