"""The rule layer of prompt screening: terms, patterns, public figures and protected characters.

The built-in rules are data files in `mutoscope/safety/data/` (`rules.json`, `public_figures.txt`,
`protected_characters.txt`); admins add more at run time (the server keeps them in a table and passes them in as
`RuleAddition`s, merged at load). Text is normalised before matching (case, accents, punctuation and hyphens
dropped, leetspeak and s p a c e d letters undone), so "Spider-Man", "spiderman" and "sp1der man" all match.
Terms and names match whole words only: "shoot a basketball" never matches "shooting", and "killer dance moves"
matches nothing here at all (the classifier weighs context; the rules only say what is unambiguous).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal

from mutoscope.errors import InvalidRequestError
from mutoscope.safety.policy import CATEGORIES
from mutoscope.safety.verdict import Action

RuleKind = Literal["term", "pattern", "public_figure", "protected_character"]
RULE_KINDS: Final[tuple[RuleKind, ...]] = ("term", "pattern", "public_figure", "protected_character")
MAX_RULE_CHARS: Final = 200
_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_SPACED_LETTERS: Final = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_NOT_WORD: Final = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class RuleAddition:
    """One rule an admin added: a term or pattern of a category, or a public figure / protected character."""

    kind: RuleKind
    value: str
    category: str = ""
    action: Action = "block"


@dataclass(frozen=True, slots=True)
class RuleHit:
    category: str
    action: Action
    reason: str


@dataclass(frozen=True, slots=True)
class _Pattern:
    category: str
    action: Action
    regex: re.Pattern[str]
    reason: str


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: what terms and names are matched against."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # Apostrophes vanish rather than split words ("swift's" → "swifts"); terms allow a plural s for this too.
    plain = plain.replace("'", "").replace("’", "")
    return _NOT_WORD.sub(" ", plain).strip()


def _variants(text: str) -> tuple[str, ...]:
    """The forms a text is matched in: as written (digits kept for ages) and with leetspeak undone."""
    base = normalise(text)
    decoded = normalise(text.casefold().translate(_LEET))
    decoded = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), decoded)
    return (base,) if decoded == base else (base, decoded)


def _term_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for term in terms:
        words = normalise(term.rstrip("*"))
        if not words:
            continue
        body = r"\s?".join(re.escape(w) for w in words.split(" "))
        ending = r"\w*" if term.endswith("*") else r"(?:s|es)?"
        parts.append(body + ending)
    if not parts:
        return None
    return re.compile(r"\b(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")\b")


class RuleSet:
    """Compiled rules; `match(text)` lists every hit. Immutable once built, so one instance serves all threads."""

    def __init__(
        self,
        *,
        terms: Sequence[tuple[str, Action, Sequence[str]]],
        patterns: Sequence[tuple[str, Action, str, str]],
        public_figures: Sequence[str],
        protected_characters: Sequence[str],
        version: str,
    ) -> None:
        self.version = version
        self._terms = [
            (category, action, regex)
            for category, action, words in terms
            if (regex := _term_regex(words)) is not None
        ]
        self._patterns = [_Pattern(c, a, _compile(p), reason) for c, a, p, reason in patterns]
        self._figures = _term_regex(public_figures)
        self._characters = _term_regex(protected_characters)
        self.counts = {
            "terms": sum(len(words) for _, _, words in terms),
            "patterns": len(patterns),
            "public_figures": len(public_figures),
            "protected_characters": len(protected_characters),
        }

    def match(self, text: str, *, allowed_names: Sequence[str] = ()) -> list[RuleHit]:
        """Every rule `text` breaks. Names in `allowed_names` (consented characters in the generation) are not
        counted as real people or protected characters."""
        allowed = {normalise(name).replace(" ", "") for name in allowed_names}
        hits: dict[tuple[str, str], RuleHit] = {}
        for variant in _variants(text):
            for category, action, regex in self._terms:
                for found in regex.finditer(variant):
                    hit = RuleHit(category, action, f"term '{found.group(0)}'")
                    hits.setdefault((category, hit.reason), hit)
            for pattern in self._patterns:
                if pattern.regex.search(variant):
                    hits.setdefault(
                        (pattern.category, pattern.reason),
                        RuleHit(pattern.category, pattern.action, pattern.reason),
                    )
            for names, category, what in (
                (self._figures, "likeness", "names a real person"),
                (self._characters, "copyright", "names a protected character"),
            ):
                if names is None:
                    continue
                for found in names.finditer(variant):
                    if found.group(0).replace(" ", "") in allowed:
                        continue
                    hit = RuleHit(category, "block", f"{what}: '{found.group(0)}'")
                    hits.setdefault((category, hit.reason), hit)
        return list(hits.values())


def check_addition(addition: RuleAddition) -> RuleAddition:
    """Validate an admin's rule before it is stored; `InvalidRequestError` names the bad field."""
    if addition.kind not in RULE_KINDS:
        raise InvalidRequestError(f"'kind' must be one of {', '.join(RULE_KINDS)}.", param="kind")
    value = addition.value.strip()
    if not value or len(value) > MAX_RULE_CHARS:
        raise InvalidRequestError(f"'value' must be 1-{MAX_RULE_CHARS} characters.", param="value")
    if addition.action not in ("review", "block"):
        raise InvalidRequestError("'action' must be 'review' or 'block'.", param="action")
    if addition.kind in ("term", "pattern") and addition.category not in CATEGORIES:
        raise InvalidRequestError(
            f"'category' must be one of {', '.join(CATEGORIES)} for a {addition.kind}.", param="category"
        )
    if addition.kind == "pattern":
        _compile(value, param="value")
    elif not normalise(value.rstrip("*")):
        raise InvalidRequestError("'value' has no letters or digits to match.", param="value")
    category = {"public_figure": "likeness", "protected_character": "copyright"}.get(
        addition.kind, addition.category
    )
    return RuleAddition(kind=addition.kind, value=value, category=category, action=addition.action)


def _compile(pattern: str, *, param: str = "pattern") -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InvalidRequestError(f"'{param}' is not a valid regular expression: {exc}", param=param) from exc


@dataclass(frozen=True, slots=True)
class _BuiltIn:
    terms: tuple[tuple[str, Action, tuple[str, ...]], ...]
    patterns: tuple[tuple[str, Action, str, str], ...]
    public_figures: tuple[str, ...]
    protected_characters: tuple[str, ...]
    digest: str


@cache
def _builtin() -> _BuiltIn:
    folder = resources.files("mutoscope.safety") / "data"
    raw = {name: (folder / name).read_bytes() for name in DATA_FILES}
    rules = json.loads(raw["rules.json"])
    terms = tuple(
        (category, action, tuple(words))
        for category, by_action in rules["terms"].items()
        for action, words in by_action.items()
    )
    patterns = tuple((p["category"], p["action"], p["pattern"], p["reason"]) for p in rules["patterns"])
    return _BuiltIn(
        terms=terms,
        patterns=patterns,
        public_figures=_names(raw["public_figures.txt"]),
        protected_characters=_names(raw["protected_characters.txt"]),
        digest=_digest(raw[name] for name in DATA_FILES),
    )


DATA_FILES: Final = ("rules.json", "public_figures.txt", "protected_characters.txt")


def _names(data: bytes) -> tuple[str, ...]:
    lines = (line.strip() for line in data.decode().splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def _digest(parts: Iterable[bytes]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(hashlib.sha256(part).digest())
    return sha.hexdigest()[:8]


def builtin_digest() -> str:
    """A short digest of the built-in rule files (part of the policy version)."""
    return _builtin().digest


def load_rules(additions: Sequence[RuleAddition] = (), *, version: str = "") -> RuleSet:
    """The built-in rules merged with `additions` (already validated by `check_addition`)."""
    base = _builtin()
    terms = list(base.terms)
    patterns = list(base.patterns)
    figures = list(base.public_figures)
    characters = list(base.protected_characters)
    for addition in additions:
        if addition.kind == "term":
            terms.append((addition.category, addition.action, (addition.value,)))
        elif addition.kind == "pattern":
            patterns.append((addition.category, addition.action, addition.value, "an admin-added pattern"))
        elif addition.kind == "public_figure":
            figures.append(addition.value)
        else:
            characters.append(addition.value)
    return RuleSet(
        terms=terms,
        patterns=patterns,
        public_figures=figures,
        protected_characters=characters,
        version=version or base.digest + (f"+{digest}" if (digest := additions_digest(additions)) else ""),
    )


def additions_digest(additions: Sequence[RuleAddition]) -> str:
    """A short digest of admin additions, so a recorded policy version says which were in force."""
    if not additions:
        return ""
    canonical = sorted((a.kind, a.category, a.action, a.value) for a in additions)
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()[:6]
