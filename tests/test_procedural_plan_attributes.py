"""The planner's attributes and references: "a woman in a red coat" is one woman with a red top, and "the
woman", "she" or "a woman" in a later sentence or storyboard shot is that same woman (same id, same palette).
"""

from __future__ import annotations

import pytest

from mutoscope.backends.procedural.plan import plan_scene
from mutoscope.backends.procedural.scene import Entity, Scene
from mutoscope.backends.procedural.vocabulary import lexicon

RED, BLUE, BROWN, BLACK = (lexicon.COLOURS[c] for c in ("red", "blue", "brown", "black"))
TOP, BOTTOM = 2, 3  # a humanoid palette is (skin, hair, top, bottom, ...)


def plan(prompt: str, duration_s: float = 6.0, **kwargs: object) -> Scene:
    return plan_scene(prompt, duration_s=duration_s, seed=7, **kwargs)  # type: ignore[arg-type]


def only(scene: Scene, word: str) -> Entity:
    found = [e for e in scene.entities if e.type == word]
    assert len(found) == 1, f"expected one {word}, got {[e.id for e in found]}"
    return found[0]


def test_a_woman_in_a_red_coat_is_one_woman_in_red() -> None:
    scene = plan("a woman in a red coat walks in the park")
    woman = only(scene, "woman")
    assert woman.body.palette[TOP] == RED
    assert [a.verb for a in scene.actions if a.entity == woman.id] == ["walk"]


@pytest.mark.parametrize(
    ("prompt", "wearer", "item"),
    [
        ("a man with a blue hat waves", "man", "blue hat"),
        ("claymation: a robot waves to a little girl with a blue hat", "girl", "blue hat"),
        ("a woman wearing a black top hat dances", "woman", "black top hat"),
    ],
)
def test_a_coloured_accessory_keeps_its_colour(prompt: str, wearer: str, item: str) -> None:
    scene = plan(prompt)
    assert item in only(scene, wearer).body.accessories
    assert not [e for e in scene.entities if e.type in ("hat", "top hat")], "worn, not an entity"


def test_size_and_colour_adjectives_shape_the_body() -> None:
    plain = only(plan("a dog runs"), "dog")
    dog = only(plan("a small brown dog runs"), "dog")
    assert dog.body.palette[0] == BROWN
    assert dog.body.height_m == pytest.approx(plain.body.height_m * lexicon.SIZES["small"])
    man = only(plan("a tall man dances"), "man")
    assert man.body.height_m == pytest.approx(only(plan("a man dances"), "man").body.height_m * 1.15)


def test_a_colour_without_a_garment_dresses_the_wearer() -> None:
    for prompt in ("a woman in red walks", "a woman dressed in red dances"):
        assert only(plan(prompt), "woman").body.palette[TOP] == RED, prompt


def test_her_dog_is_her_dog_not_her() -> None:
    scene = plan("a woman in a red coat walks her small brown dog")
    woman, dog = only(scene, "woman"), only(scene, "dog")
    walk = next(a for a in scene.actions if a.entity == woman.id and a.verb == "walk")
    assert walk.target == dog.id
    assert any(a.entity == dog.id and a.verb == "walk" for a in scene.actions), "a walked dog walks too"
    assert dog.body.palette[0] == BROWN and woman.body.palette[TOP] == RED


def test_later_mentions_across_sentences_are_the_same_entity() -> None:
    scene = plan(
        "A woman in a red coat waits at a bus stop. A man with a blue hat arrives. "
        "She smiles at him and he waves. The woman walks away.",
        10.0,
    )
    woman, man = only(scene, "woman"), only(scene, "man")
    assert woman.body.palette[TOP] == RED and "blue hat" in man.body.accessories
    verbs = {(a.entity, a.verb) for a in scene.actions}
    assert {(woman.id, "laugh"), (man.id, "wave"), (woman.id, "walk")} <= verbs
    assert not [e for e in scene.entities if e.type == "bus"], "a bus stop is a place, not a bus"


def test_storyboard_shots_keep_the_prompts_woman() -> None:
    shots = [("a woman walks", 2.0), ("a woman sits on a bench", 2.0), ("she waves", 2.0)]
    scene = plan("a woman in a red coat in a park", 6.0, shots=shots)
    woman = only(scene, "woman")
    assert woman.body.palette[TOP] == RED
    assert [a.verb for a in scene.actions if a.entity == woman.id] == ["walk", "sit", "wave"]


def test_storyboard_shots_refer_back_to_earlier_shots() -> None:
    shots = [
        ("a woman in a red coat walks her dog", 2.0),
        ("close-up of the woman", 2.0),
        ("the dog barks and she laughs", 2.0),
    ]
    scene = plan("", 6.0, shots=shots)
    woman, dog = only(scene, "woman"), only(scene, "dog")
    assert woman.body.palette[TOP] == RED
    assert scene.cameras[1].subject == woman.id
    assert {(dog.id, "call"), (woman.id, "laugh")} <= {(a.entity, a.verb) for a in scene.actions}


def test_two_differently_dressed_people_stay_apart() -> None:
    scene = plan("a woman in a red coat and a woman in a blue coat dance")
    tops = sorted(e.body.palette[TOP] for e in scene.entities if e.type == "woman")
    assert tops == sorted([RED, BLUE])


def test_a_named_animal_is_that_animal() -> None:
    scene = plan("an anime dog named Rocket runs through a field. Rocket jumps.")
    dog = only(scene, "dog")
    assert dog.name == "Rocket" and dog.id == "rocket"
    assert [a.verb for a in scene.actions if a.entity == dog.id] == ["run", "jump"]
    assert not [e for e in scene.entities if e.type == "rocket"]


def test_a_named_person_wears_what_the_prompt_says() -> None:
    maria = plan("Maria in a red coat walks").entity("maria")
    assert maria.body.palette[TOP] == RED
    scene = plan("A tall woman walks. Maria, in a red coat, waves.")
    (woman,) = [e for e in scene.entities if e.kind == "person"]
    assert woman.id == "maria" and woman.type == "woman" and woman.body.palette[TOP] == RED
    assert plan("Tall Maria walks").entity("maria").body.height_m == pytest.approx(
        plan("Maria walks").entity("maria").body.height_m * lexicon.SIZES["tall"]
    )
