"""The procedural backend's PLAN stage: prompt -> Scene, its vocabulary, remix/extend/edit and scene JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutoscope.backends.procedural.plan import (
    edit_scene,
    extend_scene,
    plan_from_json,
    plan_scene,
    remix_scene,
)
from mutoscope.backends.procedural.scene import Entity, Scene
from mutoscope.backends.procedural.vocabulary import lexicon
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.animals import ANIMALS
from mutoscope.backends.procedural.vocabulary.languages import LANGUAGES, detect_language, espeak_voice
from mutoscope.backends.procedural.vocabulary.objects import OBJECTS
from mutoscope.backends.procedural.vocabulary.places import PLACES
from mutoscope.backends.procedural.vocabulary.sounds import AMBIENCE_NAMES
from mutoscope.backends.procedural.vocabulary.styles import STYLES
from mutoscope.engine.request import Appearance, CharacterRef, VoiceProfile
from mutoscope.errors import InvalidRequestError


def plan(prompt: str, duration_s: float = 6.0, seed: int = 7, **kwargs: object) -> Scene:
    return plan_scene(prompt, duration_s=duration_s, seed=seed, **kwargs)  # type: ignore[arg-type]


def of_type(scene: Scene, word: str) -> list[Entity]:
    return [e for e in scene.entities if e.type == word]


def verbs_of(scene: Scene, entity_id: str) -> list[str]:
    return [a.verb for a in scene.actions if a.entity == entity_id]


def assert_valid(scene: Scene) -> None:
    """The invariants every planned scene keeps: references resolve, times sit inside the clip."""
    ids = [e.id for e in scene.entities]
    assert len(ids) == len(set(ids)), "entity ids are unique"
    for action in scene.actions:
        assert action.entity in ids
        assert action.target is None or action.target in ids
        assert 0.0 <= action.start_s <= action.end_s <= scene.duration_s
        assert action.verb in VERBS
    for line in scene.dialogue:
        assert line.speaker in ids
        assert 0.0 <= line.start_s <= scene.duration_s
    for camera in scene.cameras:
        assert 0.0 <= camera.start_s <= camera.end_s <= scene.duration_s
        assert camera.subject is None or camera.subject in ids
    assert scene.cameras[0].start_s == 0.0 and scene.cameras[-1].end_s == scene.duration_s
    assert scene.style in STYLES and scene.setting in PLACES


# --- vocabulary ---------------------------------------------------------------------------------------------


def test_vocabulary_is_large_enough_and_has_the_named_concepts() -> None:
    assert len(ANIMALS) >= 20
    assert len(OBJECTS) >= 50
    assert len(VERBS) >= 25
    assert len(PLACES) >= 15
    assert len(STYLES) >= 6
    assert len(LANGUAGES) >= 5
    named_verbs = (
        "walk run jump backflip cartwheel kickflip dribble shoot throw catch fall dance swim fly drive roll "
        "bounce wave talk sing sit climb spin kick push eat sleep"
    )
    for verb in named_verbs.split(" "):
        assert verb in VERBS, verb
    for place in ("beach", "city street", "park", "forest", "desert", "mountain", "snowfield", "gym",
                  "basketball court", "skatepark", "kitchen", "living room", "stage", "office", "underwater",
                  "space", "lake", "farm", "night market"):  # fmt: skip
        assert place in PLACES, place
    for style in ("realistic", "cinematic", "anime", "cartoon", "sketch", "claymation", "noir"):
        assert style in STYLES
    for animal in ("dog", "cat", "horse", "bird", "eagle", "dragon", "fish", "shark", "dolphin", "penguin"):
        assert animal in ANIMALS
    for thing in ("basketball", "soccer ball", "tennis ball", "skateboard", "balance beam", "hoop", "top hat",
                  "gold chain", "sunglasses", "trampoline", "umbrella", "guitar"):  # fmt: skip
        assert thing in OBJECTS
    assert {code: LANGUAGES[code].espeak_voice for code in ("en", "es", "fr", "de", "it", "pt")} == {
        "en": "en-us", "es": "es", "fr": "fr-fr", "de": "de", "it": "it", "pt": "pt-br",
    }  # fmt: skip


def test_bodies_are_physically_plausible() -> None:
    assert 0.75 <= OBJECTS["basketball"].restitution <= 0.85
    assert 0.7 <= OBJECTS["tennis ball"].restitution <= 0.8
    assert lexicon.thing("person").restitution <= 0.15
    assert OBJECTS["bowling ball"].restitution < OBJECTS["basketball"].restitution
    assert (
        ANIMALS["elephant"].mass_kg
        > ANIMALS["horse"].mass_kg
        > ANIMALS["dog"].mass_kg
        > ANIMALS["cat"].mass_kg
    )
    for thing in lexicon.THINGS.values():
        assert thing.height_m > 0 and thing.width_m > 0 and thing.mass_kg > 0, thing.word
        assert thing.palettes and all(thing.palettes), thing.word
        assert not thing.home or thing.home in PLACES, thing.word
        assert not thing.prop or thing.prop in lexicon.THINGS, thing.word
    for verb in VERBS.values():
        assert not verb.prop or verb.prop in lexicon.THINGS
        assert not verb.fixture or lexicon.thing(verb.fixture).static


def test_every_synonym_and_place_sound_points_at_something_known() -> None:
    for senses in lexicon.index().values():
        for sense in senses:
            if sense.kind == "thing":
                assert sense.value in lexicon.THINGS
            elif sense.kind == "verb":
                assert sense.value in VERBS
            elif sense.kind == "place":
                assert sense.value in PLACES
    assert {"waves", "rain", "traffic", "birds", "wind", "crowd"} <= set(AMBIENCE_NAMES)


def test_lexicon_handles_plurals_verb_forms_and_misspellings() -> None:
    def senses(text: str) -> set[tuple[str, str]]:
        found = lexicon.match(text.split(), 0)
        assert found is not None and found.length == len(text.split()), text
        return {(s.kind, s.value) for s in found.senses}

    assert ("thing", "soccer ball") in senses("soccer balls")
    assert ("thing", "wolf") in senses("wolves")
    assert ("thing", "person") in senses("people")
    assert ("verb", "run") in senses("ran")
    assert ("verb", "swim") in senses("swimming")
    assert ("verb", "kickflip") in senses("kickflipping")
    assert ("verb", "take off") in senses("took off")
    assert ("thing", "dolphin") in {(s.kind, s.value) for s in lexicon.nearest("dolfin")}
    assert ("thing", "umbrella") in {(s.kind, s.value) for s in lexicon.nearest("umbrela")}
    assert lexicon.nearest("philosophy") == ()
    assert lexicon.nearest("thinking") == ()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola, ¿cómo estás?", "es"),
        ("Bonjour, comment ça va ?", "fr"),
        ("Guten Tag, wie geht's?", "de"),
        ("Ciao, come stai?", "it"),
        ("Olá, tudo bem?", "pt"),
        ("Hello, how are you?", "en"),
        ("你好，你好吗？", "zh"),
        ("nǐ hǎo", "zh"),
        ("こんにちは", "ja"),
        ("Привет", "ru"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_language_detection_gives_up_on_no_clue() -> None:
    assert detect_language("Xyzzy!") is None
    assert espeak_voice("zh", "ni hao") == "cmn-latn-pinyin"
    assert espeak_voice("zh", "你好") == "cmn"


# --- the product's example prompts --------------------------------------------------------------------------


def test_gymnast_backflip_on_a_balance_beam() -> None:
    scene = plan("a gymnast does a backflip on a balance beam")
    (gymnast,) = of_type(scene, "gymnast")
    (beam,) = of_type(scene, "balance beam")
    assert gymnast.kind == "person" and gymnast.body.shape == "humanoid"
    assert beam.kind == "fixture" and beam.body.static and beam.body.shape == "beam"
    (flip,) = [a for a in scene.actions if a.verb == "backflip"]
    assert flip.entity == gymnast.id and flip.target == beam.id and flip.params["success"] == 1.0
    assert flip.end_s - flip.start_s == pytest.approx(VERBS["backflip"].duration_s)
    # She stands on top of the beam: her centre is half her height above its top.
    assert gymnast.x_m == pytest.approx(beam.x_m)
    assert gymnast.y_m == pytest.approx(
        beam.y_m + beam.body.height_m / 2 + gymnast.body.height_m / 2, abs=1e-3
    )
    assert scene.setting == "gym"


def test_skateboarder_kickflip_gets_a_board_under_their_feet() -> None:
    scene = plan("a skateboarder does a kickflip")
    (skater,) = of_type(scene, "skater")
    (board,) = of_type(scene, "skateboard")
    (trick,) = [a for a in scene.actions if a.verb == "kickflip"]
    assert trick.entity == skater.id and trick.target == board.id
    assert skater.x_m == pytest.approx(board.x_m)
    assert skater.y_m > board.y_m + board.body.height_m / 2
    assert scene.setting == "skatepark"
    assert any("skateboarder" in note and "skater" in note for note in scene.notes)


@pytest.mark.parametrize(("prompt", "success"), [
    ("a basketball player shoots and misses", 0.0),
    ("a basketball player takes a shot and scores", 1.0),
    ("a player misses the shot", 0.0),
])  # fmt: skip
def test_basketball_shot_outcome_and_hoop(prompt: str, success: float) -> None:
    scene = plan(prompt)
    (shot,) = [a for a in scene.actions if a.verb == "shoot"]
    assert shot.params["success"] == success
    (hoop,) = of_type(scene, "hoop")
    ball = scene.entity(shot.target or "")
    assert ball.body.shape == "ball" and 0.75 <= ball.body.restitution <= 0.85
    shooter = scene.entity(shot.entity)
    assert shooter.facing == (1 if hoop.x_m > shooter.x_m else -1)
    assert 3.0 < abs(hoop.x_m - shooter.x_m) < 6.0
    assert abs(ball.x_m - shooter.x_m) < 1.0


def test_dog_runs_on_a_beach() -> None:
    scene = plan("a dog runs on a beach")
    (dog,) = of_type(scene, "dog")
    assert dog.kind == "animal" and dog.body.shape == "quadruped"
    assert scene.setting == "beach"
    assert verbs_of(scene, dog.id) == ["run"]
    assert "waves" in {s.name for s in scene.sounds if s.kind == "ambience"}
    (water,) = of_type(scene, "water")
    assert dog.x_m < water.x_m - water.body.width_m / 2, "the dog runs on the sand, not in the sea"
    assert dog.y_m == pytest.approx(dog.body.height_m / 2)
    assert scene.cameras[0].move == "tracking" and scene.cameras[0].subject == dog.id


def test_two_people_talk_in_two_languages_with_different_voices() -> None:
    scene = plan("two people talk, Maria says 'Hola' and John says 'Hello'")
    people = [e for e in scene.entities if e.kind == "person"]
    assert len(people) == 2
    by_speaker = {line.speaker: line for line in scene.dialogue}
    assert len(by_speaker) == 2
    maria, john = scene.entity("maria"), scene.entity("john")
    assert (by_speaker[maria.id].text, by_speaker[maria.id].language) == ("Hola", "es")
    assert (by_speaker[john.id].text, by_speaker[john.id].language) == ("Hello", "en")
    assert maria.voice is not None and john.voice is not None
    assert maria.voice.espeak_voice.startswith("es+") and john.voice.espeak_voice.startswith("en-us+")
    assert (maria.voice.espeak_voice, maria.voice.pitch) != (john.voice.espeak_voice, john.voice.pitch)
    assert by_speaker[maria.id].start_s < by_speaker[john.id].start_s
    talks = [a for a in scene.actions if a.verb == "talk"]
    assert {a.start_s for a in talks} == {line.start_s for line in scene.dialogue}
    assert maria.facing == (1 if john.x_m > maria.x_m else -1), "speakers face each other"


def test_anime_dragon_flies_over_mountains() -> None:
    scene = plan("an anime dragon flies over mountains")
    assert scene.style == "anime" and scene.setting == "mountain"
    (dragon,) = of_type(scene, "dragon")
    assert verbs_of(scene, dragon.id) == ["fly"]
    assert dragon.y_m > 5.0


def test_rainy_city_street_at_night() -> None:
    scene = plan("rainy city street at night")
    assert (scene.setting, scene.time_of_day, scene.weather) == ("city street", "night", "rain")
    names = {s.name for s in scene.sounds}
    assert {"rain", "traffic"} <= names
    assert {"moon", "street"} <= {light.kind for light in scene.lights}
    assert any(note.startswith("no subject named") for note in scene.notes)
    assert any(e.kind in ("person", "vehicle") for e in scene.entities)


def test_storyboard_keeps_one_world_across_shots() -> None:
    shots = [("a dog runs in the park", 2.0), ("close-up of the dog", 2.0), ("the dog jumps over a box", 3.0)]
    scene = plan("", duration_s=7.0, shots=shots)
    assert_valid(scene)
    (dog,) = of_type(scene, "dog")
    assert [(s.start_s, s.end_s) for s in scene.shots] == [(0.0, 2.0), (2.0, 4.0), (4.0, 7.0)]
    assert [(c.start_s, c.end_s) for c in scene.cameras] == [(0.0, 2.0), (2.0, 4.0), (4.0, 7.0)]
    assert scene.cameras[1].framing == "close_up"
    assert all(c.subject == dog.id for c in scene.cameras)
    (jump,) = [a for a in scene.actions if a.verb == "jump"]
    assert 4.0 <= jump.start_s < jump.end_s <= 7.0 and jump.entity == dog.id
    (run,) = [a for a in scene.actions if a.verb == "run"]
    assert run.end_s <= 2.0


def test_storyboard_prompt_is_context_for_every_shot() -> None:
    shots = [("a girl walks", 2.0), ("close-up of the girl", 1.5), ("she waves", 1.5)]
    scene = plan("in anime style, on a beach at sunset", duration_s=5.0, shots=shots)
    assert (scene.style, scene.setting, scene.time_of_day) == ("anime", "beach", "sunset")
    (girl,) = of_type(scene, "girl")
    (wave,) = [a for a in scene.actions if a.verb == "wave"]
    assert wave.entity == girl.id and wave.start_s >= 3.5


def test_multi_sentence_prompt_becomes_shots_over_one_cast() -> None:
    scene = plan("A puppy chases a kitten in the park. The cat climbs a tree. Close-up of the dog.", 9.0)
    assert_valid(scene)
    assert len(scene.shots) == 3 and len(scene.cameras) == 3
    assert len(of_type(scene, "dog")) == 1 and len(of_type(scene, "cat")) == 1
    (cat,) = of_type(scene, "cat")
    (climb,) = [a for a in scene.actions if a.verb == "climb"]
    assert climb.entity == cat.id and climb.target == of_type(scene, "tree")[0].id
    assert scene.shots[1].start_s <= climb.start_s < climb.end_s <= scene.shots[1].end_s
    assert scene.cameras[2].framing == "close_up"
    assert {"mapped 'puppy' to 'dog'", "mapped 'kitten' to 'cat'"} <= set(scene.notes)


# --- parsing ------------------------------------------------------------------------------------------------


def test_unknown_words_are_mapped_or_reported() -> None:
    scene = plan("an automobile and a dolfin, pure philosophy")
    assert of_type(scene, "car") and of_type(scene, "dolphin")
    assert "mapped 'automobile' to 'car'" in scene.notes
    assert "mapped 'dolfin' to 'dolphin'" in scene.notes
    assert "ignored 'philosophy': no visual concept" in scene.notes


def test_numbers_make_several_bodies() -> None:
    scene = plan("two dogs and three birds fly")
    assert len(of_type(scene, "dog")) == 2
    birds = of_type(scene, "bird")
    assert len(birds) == 3
    assert all(verbs_of(scene, b.id) == ["fly"] for b in birds)
    assert len({(e.x_m, e.y_m) for e in scene.entities}) == len(scene.entities)


@pytest.mark.parametrize(
    "prompt",
    [
        'Maria says "Hola, ¿cómo estás?"',
        "“Hola, ¿cómo estás?”, says Maria.",
        "<dialogue>\nMaria: Hola, ¿cómo estás?\n</dialogue>",
        "Maria: Hola, ¿cómo estás?",
    ],
)
def test_dialogue_formats(prompt: str) -> None:
    scene = plan(prompt)
    (line,) = scene.dialogue
    assert (line.text, line.language) == ("Hola, ¿cómo estás?", "es")
    assert scene.entity(line.speaker).name == "Maria"


def test_explicit_language_wins_and_pronoun_speaker() -> None:
    scene = plan('A man walks in. He says in French: "Hello my friend"')
    (line,) = scene.dialogue
    assert line.language == "fr"
    speaker = scene.entity(line.speaker)
    assert (
        speaker.type == "man" and speaker.voice is not None and speaker.voice.espeak_voice.startswith("fr-fr")
    )
    assert len([e for e in scene.entities if e.kind == "person"]) == 1


def test_conversation_without_words_gets_small_talk_in_its_language() -> None:
    scene = plan("two women chat in Spanish")
    assert len({line.speaker for line in scene.dialogue}) == 2
    assert {line.language for line in scene.dialogue} == {"es"}


def test_camera_words_style_argument_and_props() -> None:
    scene = plan("aerial tracking shot of a car driving through the desert", style="noir")
    assert (scene.cameras[0].framing, scene.cameras[0].move) == ("aerial", "tracking")
    assert scene.style == "noir" and scene.setting == "desert"
    chef = plan("a chef cooks in a pencil sketch style")
    assert chef.style == "sketch" and chef.setting == "kitchen"
    (cook,) = [a for a in chef.actions if a.verb == "cook"]
    assert chef.entity(cook.target or "").type == "frying pan"


def test_negative_prompt_steers_defaults_but_not_what_is_asked() -> None:
    scene = plan("rainy city street at night", negative_prompt="cars, cinematic, no music")
    assert not of_type(scene, "car") and of_type(scene, "person")
    assert scene.style != "cinematic"
    asked = plan("a car drives down a city street", negative_prompt="cars")
    assert of_type(asked, "car")
    dancing = plan("a woman dances", negative_prompt="music")
    assert not any(s.kind == "music" for s in dancing.sounds)
    assert any(s.kind == "music" for s in plan("a woman dances").sounds)


def test_swimmers_are_put_in_water() -> None:
    scene = plan("a woman swims")
    assert scene.setting == "pool"
    (woman,) = of_type(scene, "woman")
    (water,) = of_type(scene, "water")
    assert abs(woman.x_m - water.x_m) < water.body.width_m / 2
    assert woman.y_m < water.y_m + water.body.height_m / 2


def test_accessories_and_colours() -> None:
    scene = plan("a man in a red shirt wearing a top hat and sunglasses walks a blue dog")
    (man,) = of_type(scene, "man")
    (dog,) = of_type(scene, "dog")
    assert {"top hat", "sunglasses"} <= set(man.body.accessories)
    assert man.body.palette[2] == lexicon.COLOURS["red"]  # humanoid palette: skin, hair, top, bottom
    assert dog.body.palette[0] == lexicon.COLOURS["blue"]
    assert not of_type(scene, "top hat"), "a worn thing is an accessory, not an entity"


def test_characters_become_entities_with_their_look_voice_and_rules() -> None:
    bob = CharacterRef(
        id="char_1", name="Bob", handle="bob", kind="person",
        appearance=Appearance(
            palette=((200, 150, 120), (20, 20, 20), (0, 200, 0)),
            proportions={"height_m": 1.9},
            accessories=("sunglasses",),
        ),
        voice=VoiceProfile(pitch_hz=110.0, rate_wpm=150.0, language="es"),
        preferences=("always wears a gold chain", "never in skinny jeans"),
    )  # fmt: skip
    rex = CharacterRef(id="char_2", name="Rex", handle="rexthedog", kind="pet", species="puppy")
    scene = plan('@bob dances while @rexthedog barks. Bob says "¡Vamos!"', characters=[bob, rex])
    entity = next(e for e in scene.entities if e.character_id == "char_1")
    assert entity.kind == "person" and entity.body.height_m == pytest.approx(1.9)
    assert entity.body.palette[:3] == ((200, 150, 120), (20, 20, 20), (0, 200, 0))
    assert {"sunglasses", "gold chain"} <= set(entity.body.accessories)
    assert "skinny jeans" not in entity.body.accessories
    assert entity.voice is not None and entity.voice.language == "es" and entity.voice.rate_wpm == 150
    assert verbs_of(scene, entity.id)[0] == "dance"
    pet = next(e for e in scene.entities if e.character_id == "char_2")
    assert (pet.kind, pet.type) == ("animal", "dog") and "call" in verbs_of(scene, pet.id)
    assert len([e for e in scene.entities if e.kind == "person"]) == 1


def test_unnamed_character_is_cast_as_a_fitting_noun() -> None:
    bob = CharacterRef(id="char_1", name="Bob", handle="bob", kind="person")
    scene = plan("a man surfs at the beach", characters=[bob])
    (man,) = [e for e in scene.entities if e.kind == "person"]
    assert man.character_id == "char_1" and "surf" in verbs_of(scene, man.id)
    assert "cast character @bob as the man" in scene.notes


# --- determinism and JSON -----------------------------------------------------------------------------------


def test_planning_is_deterministic_and_the_seed_matters() -> None:
    prompt = "two dogs play with a ball in the park while a girl waves"
    assert plan(prompt, seed=3).to_json() == plan(prompt, seed=3).to_json()
    assert len({plan(prompt, seed=seed).to_json() for seed in range(6)}) > 1


def test_scene_json_round_trip() -> None:
    scene = plan("two people talk, Maria says 'Hola' and John says 'Hello' on a beach at sunset")
    assert Scene.from_json(scene.to_json()) == scene
    assert plan_from_json(scene.to_json()) == scene


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "does not parse"),
        ("[1, 2]", "must be an object"),
        ('{"prompt": "x", "duration_s": "long", "seed": 1}', "scene.duration_s"),
        ('{"prompt": "x", "duration_s": 4, "seed": 1, "colour": "red"}', "colour"),
        ('{"prompt": "x", "duration_s": 4, "seed": 1, "entities": [{"id": "a"}]}', "scene.entities[0]"),
    ],
)
def test_malformed_scene_json_is_a_clear_invalid_request(text: str, field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        plan_from_json(text)
    assert caught.value.param == "prompt"
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["actions"][0].update(entity="ghost"), "scene.actions[0].entity"),
        (lambda d: d["actions"][0].update(end_s=99.0), "scene.actions[0] runs"),
        (lambda d: d["cameras"][0].update(subject="ghost"), "scene.cameras[0].subject"),
        (lambda d: d.update(style="vaporwave"), "scene.style"),
        (lambda d: d["entities"].append(d["entities"][0]), "same id"),
    ],
)
def test_unplayable_scene_json_names_the_field(change: Callable[[dict[str, Any]], None], field: str) -> None:
    data = json.loads(plan("a dog runs in the park").to_json())
    change(data)
    with pytest.raises(InvalidRequestError) as caught:
        plan_from_json(json.dumps(data))
    assert caught.value.param == "prompt" and field in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"duration_s": 0.0}, "duration_s"),
        ({"duration_s": math.nan}, "duration_s"),
        ({"style": "vaporwave"}, "style"),
        ({"shots": [("a dog", 1.0), ("a cat", 1.0)]}, "shots"),
    ],
)
def test_bad_arguments_are_invalid_requests(kwargs: dict[str, object], param: str) -> None:
    arguments: dict[str, object] = {"duration_s": 4.0, "seed": 1, **kwargs}
    with pytest.raises(InvalidRequestError) as caught:
        plan_scene("a dog", **arguments)  # type: ignore[arg-type]
    assert caught.value.param == param


# --- remix, edit, extend ------------------------------------------------------------------------------------


def test_remix_into_an_ad_keeps_the_cast_and_adds_the_product() -> None:
    parent = plan("a man walks his dog in the park", seed=5)
    remix = remix_scene(parent, "make it an ad for a top hat", seed=99)
    assert remix.seed == parent.seed and remix.setting == parent.setting and remix.style == parent.style
    for entity in parent.entities:
        kept = remix.entity(entity.id)
        assert (kept.type, kept.x_m, kept.y_m, kept.body.palette) == (
            entity.type, entity.x_m, entity.y_m, entity.body.palette,
        )  # fmt: skip
    man = remix.entity(of_type(parent, "man")[0].id)
    assert "top hat" in man.body.accessories
    assert any(e.type == "top hat" and e.kind == "object" for e in remix.entities)
    (sign,) = of_type(remix, "sign")
    assert sign.name == "Top Hat"
    assert [a for a in remix.actions if a.entity in {e.id for e in parent.entities}] == list(parent.actions)
    assert_valid(remix)


def test_remix_changes_conditions_and_removes_and_adds() -> None:
    parent = plan("a man walks his dog in the park", seed=5)
    remix = remix_scene(parent, "make it anime at night, remove the dog and add a cat", seed=1)
    assert (remix.style, remix.time_of_day) == ("anime", "night")
    assert not of_type(remix, "dog") and of_type(remix, "cat")
    assert of_type(remix, "man")[0].id == of_type(parent, "man")[0].id
    assert {light.kind for light in remix.lights} >= {"moon"}
    assert_valid(remix)


def test_edit_replaces_a_thing_in_place() -> None:
    parent = plan("a man walks his dog in the park", seed=5)
    edited = edit_scene(parent, "replace the dog with a horse")
    old_dog = of_type(parent, "dog")[0]
    horse = edited.entity(old_dog.id)
    assert horse.type == "horse" and horse.body.shape == "quadruped" and horse.body.mass_kg > 300
    assert edited.seed == parent.seed
    assert_valid(edited)


def test_extend_continues_the_same_world() -> None:
    parent = plan("a man walks his dog in the park", seed=5)
    extension = extend_scene(parent, "the dog jumps and the man waves", 4.0)
    assert extension.duration_s == 4.0 and extension.seed == parent.seed
    assert [(e.id, e.body) for e in extension.entities] == [(e.id, e.body) for e in parent.entities]
    dog, man = of_type(extension, "dog")[0], of_type(extension, "man")[0]
    assert verbs_of(extension, dog.id) == ["jump"] and verbs_of(extension, man.id) == ["wave"]
    assert_valid(extension)
    still = extend_scene(parent, "", 3.0)
    assert verbs_of(still, man.id) == ["walk"]
    assert all(a.end_s <= 3.0 for a in still.actions)


# --- fuzz ---------------------------------------------------------------------------------------------------

_WORDS = st.sampled_from([*sorted(lexicon.index()), "Maria", "@bob", "'", '"', ".", "Shot 2:", "\n", "says"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=120), st.lists(_WORDS, max_size=30).map(" ".join)),
    duration_s=st.floats(min_value=0.05, max_value=30.0, allow_nan=False),
    seed=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_any_text_plans_a_valid_scene(text: str, duration_s: float, seed: int) -> None:
    scene = plan_scene(text, duration_s=duration_s, seed=seed)
    assert_valid(scene)
    assert json.loads(scene.to_json())["duration_s"] == duration_s
    assert Scene.from_json(scene.to_json()) == scene
