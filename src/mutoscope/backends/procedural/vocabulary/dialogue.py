"""Dialogue in a prompt: quoted lines, `Name: line` script lines and `<dialogue>` blocks, lifted out.

`lift(text)` replaces every line of dialogue with a `_qN_` marker (N indexes the returned `Quote`s) and turns
script lines into `Name says _qN_.`, so one grammar (`reading`) attributes all dialogue, and the words of a
line are never read as scene words. Straight, curly, guillemet, low-high and CJK quotes are understood, as
are single quotes that are not apostrophes; a script line's `(in Spanish)` hint becomes the quote's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mutoscope.backends.procedural.vocabulary.concepts import split_words
from mutoscope.backends.procedural.vocabulary.languages import language_for_name


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    language: str | None = None  # from a `(in Spanish)` hint in a script line


_QUOTE = re.compile(
    r"“([^”]*)”|«([^»]*)»|„([^“”]*)[“”]|「([^」]*)」|『([^』]*)』|\"([^\"]*)\""
    r"|(?<![\w])'((?:[^'\n]|(?<=\w)'(?=\w))+?)'(?![\w])"
)
_BLOCK = re.compile(r"<dialogue>(.*?)(?:</dialogue>|$)", re.IGNORECASE | re.DOTALL)
_SCRIPT_LINE = re.compile(r"^[ \t]*(@?[\w][\w'’ .-]{0,40}?)[ \t]*(?:\(([^)]*)\))?[ \t]*:[ \t]*(\S.*?)[ \t]*$")
_NOT_SPEAKERS = frozenset(
    split_words(
        "shot scene camera style setting note notes cut title caption prompt location time weather music "
        "sound audio sfx panel part act angle lighting mood background action description"
    )
)


def lift(text: str) -> tuple[str, list[Quote]]:
    """The text with its dialogue replaced by `_qN_` markers, and the lines it held, in order."""
    quotes: list[Quote] = []
    text = re.sub(r"_q(\d+)_", r"q\1", text)  # the quote markers below must be ours alone
    text = _BLOCK.sub(lambda m: "\n" + _script_lines(m.group(1), quotes, force=True) + "\n", text)
    text = _script_lines(text, quotes, force=False)
    text = _QUOTE.sub(lambda m: _lift_quote(m, quotes), text)
    return text, quotes


def _lift_quote(match: re.Match[str], quotes: list[Quote]) -> str:
    body = next(group for group in match.groups() if group is not None)
    quotes.append(
        Quote(body.strip().rstrip(",").rstrip())
    )  # '"Hola," says Maria': the comma is the sentence's
    return f" _q{len(quotes) - 1}_ "


def _script_lines(text: str, quotes: list[Quote], *, force: bool) -> str:
    """Turn `Name: line` script lines into `Name says _qN_.` so one grammar handles all dialogue."""
    out = []
    for raw in text.split("\n"):
        line = raw
        match = _SCRIPT_LINE.match(line)
        speaker = match.group(1).strip() if match else ""
        first = speaker.split(" ")[0].lower() if speaker else ""
        looks_named = bool(speaker) and (speaker[0].isupper() or speaker[0] == "@" or force)
        if match and looks_named and first not in _NOT_SPEAKERS and len(speaker.split()) <= 3:
            hint = _language_hint(match.group(2) or "")
            body = match.group(3).strip().strip("\"“”«»'「」")
            quotes.append(Quote(body, hint))
            line = f"{speaker} says _q{len(quotes) - 1}_."
        out.append(line)
    return "\n".join(out)


def _language_hint(text: str) -> str | None:
    for word in re.findall(r"\w+", text.lower()):
        code = language_for_name(word)
        if code:
            return code
    return None
