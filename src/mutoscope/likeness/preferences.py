"""A character owner's preferences, in plain words: appearance rules and prohibitions.

Appearance rules ("always wears a gold chain") are applied by the backends to every render of the character
(the procedural backend dresses the character's body from them). Prohibitions are checked against what a
generation would show or say: the prompt before anything runs, then the backend's plan and the dialogue it
generated. A rule is read as one of:

- says: "never says X" (the phrase X, in the prompt or the dialogue);
- wears: "never in X", "never wears X" (the garment X on the character, or asked for in the prompt);
- topic: "no X content", "no X" (X, or the words of a known topic such as political, in any text);
- does: "never X" for anything else ("never smokes": the act, in the prompt or the plan's actions).
Words match on their stems ("smokes" matches "smoking"), so a rule catches the obvious rephrasings, not all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

RuleKind = Literal["appearance", "says", "wears", "topic", "does", "other"]
MAX_RULES = 20
MAX_RULE_CHARS = 200

_NEGATION = re.compile(
    r"^\s*(?:never|no|not|don't|do not|does not|doesn't|must not|mustn't|avoid|nothing)\b", re.I
)
_SAYS = re.compile(r"\b(?:says?|saying|said|utters?|speaks?)\b\s*(.+)$", re.I)
_WEARS = re.compile(r"\b(?:in|wears?|wearing|dressed in)\b\s+(.+)$", re.I)
_TOPIC = re.compile(
    r"^\s*(?:no|nothing)\s+(.+?)(?:\s+(?:content|topics?|themes?|stuff|subjects?))?\s*$", re.I
)
_APPEARANCE = re.compile(r"\b(?:always|wears?|wearing|has|sports?|dons?)\b", re.I)
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "any",
        "of",
        "in",
        "on",
        "at",
        "to",
        "with",
        "and",
        "or",
        "his",
        "her",
        "their",
        "my",
        "its",
        "is",
        "are",
        "be",
        "being",
        "ever",
        "never",
        "no",
        "not",
        "do",
        "does",
        "don't",
        "doesn't",
        "must",
        "avoid",
        "anything",
        "something",
        "about",
    }
)
TOPICS: dict[str, tuple[str, ...]] = {
    "political": (
        "politic",
        "election",
        "elect",
        "vote",
        "voting",
        "ballot",
        "president",
        "senator",
        "congress",
        "parliament",
        "minister",
        "campaign",
        "democrat",
        "republican",
        "government",
        "protest",
        "candidate",
    ),
    "violent": (
        "violen",
        "fight",
        "punch",
        "kick",
        "gun",
        "shoot",
        "stab",
        "kill",
        "blood",
        "weapon",
        "attack",
    ),
    "sexual": ("sex", "nude", "naked", "erotic", "kiss", "lingerie"),
    "religious": ("relig", "church", "mosque", "temple", "pray", "god", "bible", "quran"),
    "alcohol": ("alcohol", "beer", "wine", "vodka", "whisky", "whiskey", "drunk", "cocktail", "bar"),
    "drug": ("drug", "cocaine", "heroin", "weed", "marijuana", "cannabis", "pill"),
    "advertising": ("advert", "ad", "ads", "commercial", "brand", "sponsor", "product"),
}
_TOPIC_ALIASES = {
    "politics": "political",
    "violence": "violent",
    "sex": "sexual",
    "nsfw": "sexual",
    "religion": "religious",
    "drinking": "alcohol",
    "drugs": "drug",
    "ads": "advertising",
    "ad": "advertising",
    "commercial": "advertising",
}


@dataclass(frozen=True, slots=True)
class Rule:
    text: str
    kind: RuleKind
    terms: tuple[str, ...] = ()  # stems that must all appear (says: the phrase's words, in order)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    where: str  # prompt | plan | dialogue
    found: str

    @property
    def message(self) -> str:
        return f'the character\'s owner set the rule "{self.rule}" and the {self.where} has "{self.found}"'


def parse_rule(text: str) -> Rule:
    text = " ".join(text.split())
    if not _NEGATION.search(text):
        return Rule(text, "appearance" if _APPEARANCE.search(text) else "other")
    says = _SAYS.search(text)
    if says:
        return Rule(text, "says", tuple(_words(says.group(1).strip(" \"'“”‘’."))))
    topic = _TOPIC.match(text)
    if topic and not _WEARS.search(text):
        name = topic.group(1).lower().strip()
        key = _TOPIC_ALIASES.get(name, name)
        if key in TOPICS:
            return Rule(text, "topic", TOPICS[key])
        return Rule(text, "topic", tuple(_stems(_words(name))))
    wears = _WEARS.search(text)
    if wears:
        return Rule(text, "wears", tuple(_stems(_words(wears.group(1)))))
    rest = _NEGATION.sub("", text, count=1)
    return Rule(text, "does", tuple(_stems(_words(rest))))


def check_rules(
    rules: Sequence[str],
    *,
    prompt: str = "",
    plan: Iterable[str] = (),
    worn: Iterable[str] = (),
    actions: Iterable[str] = (),
    dialogue: Iterable[str] = (),
) -> Violation | None:
    """The first rule broken by the prompt, the plan's text, the character's worn items and actions, or the
    dialogue; None when none is."""
    plan_text, worn_text = " ".join(plan), " ".join(worn)
    actions_text, dialogue_text = " ".join(actions), " ".join(dialogue)
    for rule in (parse_rule(r) for r in rules):
        if rule.kind in ("appearance", "other") or not rule.terms:
            continue
        places: list[tuple[str, str]]
        if rule.kind == "says":
            places = [("prompt", prompt), ("dialogue", dialogue_text)]
        elif rule.kind == "wears":
            places = [("prompt", prompt), ("plan", worn_text)]
        elif rule.kind == "topic":
            places = [("prompt", prompt), ("plan", plan_text), ("dialogue", dialogue_text)]
        else:
            places = [("prompt", prompt), ("plan", actions_text)]
        for where, text in places:
            found = _phrase_in(rule.terms, text) if rule.kind == "says" else _match(rule, text)
            if found:
                return Violation(rule.text, where, found)
    return None


def _match(rule: Rule, text: str) -> str | None:
    words = _words(text)
    if rule.kind == "topic":
        for word in words:
            if any(_stem_matches(term, word) for term in rule.terms):
                return word
        return None
    hits = [next((w for w in words if _stem_matches(term, w)), None) for term in rule.terms]
    return " ".join(h for h in hits if h) if all(hits) else None


def _phrase_in(terms: Sequence[str], text: str) -> str | None:
    if not terms:
        return None
    words = _words(text)
    size = len(terms)
    for start in range(len(words) - size + 1):
        if tuple(words[start : start + size]) == tuple(terms):
            return " ".join(terms)
    return None


def _stem_matches(stem: str, word: str) -> bool:
    # Short stems ("ad", "bar", "god") must match whole words, or "bar" would catch "barbecue".
    return word == stem or (len(stem) >= 4 and word.startswith(stem)) or _stem(word) == stem


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _stems(words: Iterable[str]) -> list[str]:
    return [_stem(w) for w in words if w not in _STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ers", "er", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
