"""The planner's dialogue: each quoted line goes to its named speaker, in order, in its own language.

Every form a prompt may give lines in is covered ("X says ... and Y says ...", "X says ..., Y replies ...",
`X: "..."` script lines, `<dialogue>` blocks); no line is invented when the prompt gives lines, and an object
never speaks unless it is a character.
"""

from __future__ import annotations

import pytest

from mutoscope.backends.procedural.plan import plan_scene
from mutoscope.backends.procedural.scene import Scene
from mutoscope.backends.procedural.vocabulary.languages import detect_language
from mutoscope.engine.request import CharacterRef


def plan(prompt: str, duration_s: float = 6.0, **kwargs: object) -> Scene:
    return plan_scene(prompt, duration_s=duration_s, seed=7, **kwargs)  # type: ignore[arg-type]


def spoken(scene: Scene) -> list[tuple[str, str, str]]:
    """(speaker's name, text, language) of every line, in order."""
    return [(scene.entity(line.speaker).name, line.text, line.language) for line in scene.dialogue]


MARIA_JOHN = [("Maria", "Hola, ¿cómo estás?", "es"), ("John", "I'm fine, thanks", "en")]


@pytest.mark.parametrize(
    "prompt",
    [
        'Maria says "Hola, ¿cómo estás?" and John says "I\'m fine, thanks"',
        'two people talk on a park bench, Maria says "Hola, ¿cómo estás?" and John says "I\'m fine, thanks"',
        'Maria says "Hola, ¿cómo estás?", John replies "I\'m fine, thanks"',
        'A woman and a man sit on a bench.\nMaria: "Hola, ¿cómo estás?"\nJohn: "I\'m fine, thanks"',
        "Two friends meet in a cafe.\n<dialogue>\nMaria: Hola, ¿cómo estás?\n"
        "John: I'm fine, thanks\n</dialogue>",
        "“Hola, ¿cómo estás?” says Maria. “I'm fine, thanks,” John answers.",
        'Maria and John sit on a bench. Maria asks John "Hola, ¿cómo estás?" '
        'and he answers "I\'m fine, thanks"',
    ],
)
def test_each_quoted_line_goes_to_its_named_speaker_in_order(prompt: str) -> None:
    scene = plan(prompt)
    assert spoken(scene) == MARIA_JOHN
    speakers = {line.speaker for line in scene.dialogue}
    assert all(scene.entity(s).kind == "person" for s in speakers)
    assert not any("small talk" in note for note in scene.notes)


def test_a_park_bench_is_where_people_sit_not_a_speaker() -> None:
    scene = plan('two people talk on a park bench, Maria says "Hola" and John says "Hello"')
    assert scene.setting == "park"
    (bench,) = [e for e in scene.entities if e.type == "bench"]
    assert all(line.speaker != bench.id for line in scene.dialogue)
    assert all(a.entity != bench.id for a in scene.actions)
    assert len([e for e in scene.entities if e.kind == "person"]) == 2, "Maria and John are the two people"


def test_voices_follow_each_lines_language() -> None:
    scene = plan('Maria says "Hola, ¿cómo estás?" and John says "I\'m fine, thanks"')
    maria, john = scene.entity("maria"), scene.entity("john")
    assert maria.voice is not None and maria.voice.espeak_voice.startswith("es")
    assert john.voice is not None and john.voice.espeak_voice.startswith("en")


def test_three_speakers_three_languages() -> None:
    scene = plan('Maria says "Bonjour !", John replies "Hello!" and Li says "你好"')
    assert spoken(scene) == [("Maria", "Bonjour !", "fr"), ("John", "Hello!", "en"), ("Li", "你好", "zh")]


def test_no_small_talk_is_invented_when_the_prompt_gives_lines() -> None:
    scene = plan('Two friends chat in a cafe. Then Maria says "Nos vemos mañana."', 8.0)
    assert [text for _, text, _ in spoken(scene)] == ["Nos vemos mañana."]
    assert spoken(scene)[0][2] == "es"


def test_small_talk_still_fills_a_wordless_conversation() -> None:
    scene = plan("two women chat in Spanish")
    assert len({line.speaker for line in scene.dialogue}) == 2
    assert "no words were given for the conversation: wrote short small talk" in scene.notes


def test_an_object_never_speaks() -> None:
    scene = plan('A man sits next to a lamp. The lamp says "Hello there."')
    (line,) = scene.dialogue
    assert scene.entity(line.speaker).kind == "person"
    assert any("lamp" in note and "speak" in note for note in scene.notes)


def test_an_object_character_may_speak() -> None:
    teapot = CharacterRef(id="char_9", name="Tilly", handle="tilly", kind="object", species="teapot")
    scene = plan('@tilly says "Tea time!"', characters=[teapot])
    (line,) = scene.dialogue
    assert scene.entity(line.speaker).character_id == "char_9"


def test_a_name_binds_to_a_person_of_its_gender() -> None:
    scene = plan('A man and a woman sit on a bench. Maria says "Hola." John says "Hi."')
    assert scene.entity("maria").type == "woman" and scene.entity("john").type == "man"
    assert len([e for e in scene.entities if e.kind == "person"]) == 2


def test_speaker_language_hint_in_a_script_line() -> None:
    scene = plan("<dialogue>\nMaria (in Spanish): Hasta luego\nJohn: See you\n</dialogue>")
    assert [(name, language) for name, _, language in spoken(scene)] == [("Maria", "es"), ("John", "en")]


@pytest.mark.parametrize(
    ("text", "language"),
    [("No way!", "en"), ("Hasta luego", "es"), ("I'm fine, thanks", "en"), ("Thanks, Bill.", "en")],
)
def test_short_lines_are_detected(text: str, language: str) -> None:
    assert detect_language(text) == language
