"""The worst cases found reviewing `mutoscope plan` on the product's example prompts (G1-G8, the launch demo).

Each test names what went wrong: an entity dropped without a note, an action given to the wrong body, a
duplicated prop, a word read as a name.
"""

from __future__ import annotations

from mutoscope.backends.procedural.plan import plan_scene
from mutoscope.backends.procedural.scene import Entity, Scene


def plan(prompt: str, duration_s: float = 8.0, **kwargs: object) -> Scene:
    return plan_scene(prompt, duration_s=duration_s, seed=7, **kwargs)  # type: ignore[arg-type]


def of_type(scene: Scene, word: str) -> list[Entity]:
    return [e for e in scene.entities if e.type == word]


def acts(scene: Scene) -> set[tuple[str, str]]:
    """(entity type, verb) of every action."""
    return {(scene.entity(a.entity).type, a.verb) for a in scene.actions}


def test_a_capitalised_place_after_the_is_not_a_persons_name() -> None:
    scene = plan("a gymnast does a backflip on a balance beam at the Olympics")
    (gymnast,) = of_type(scene, "gymnast")
    assert gymnast.name == "gymnast" and gymnast.id.startswith("gymnast")
    assert "ignored 'olympics': no visual concept" in scene.notes


def test_a_wakeboarder_does_the_backflip_not_the_boat() -> None:
    scene = plan("a wakeboarder does a backflip behind a boat on a lake")
    (flip,) = [a for a in scene.actions if a.verb == "backflip"]
    assert scene.entity(flip.entity).kind == "person"
    assert any("wakeboarder" in note and "mapped" in note for note in scene.notes)


def test_the_ball_of_a_shot_is_one_basketball() -> None:
    scene = plan("a basketball player shoots and misses, the ball bounces off the rim")
    balls = [e for e in scene.entities if e.body.shape == "ball"]
    assert [b.type for b in balls] == ["basketball"]
    (shot,) = [a for a in scene.actions if a.verb == "shoot"]
    assert shot.target == balls[0].id and shot.params["success"] == 0.0


def test_a_tennis_serve_uses_one_tennis_ball() -> None:
    scene = plan("a tennis player serves and the ball bounces twice")
    assert [e.type for e in scene.entities if e.body.shape == "ball"] == ["tennis ball"]


def test_a_red_ball_keeps_its_colour_when_it_becomes_the_players_basketball() -> None:
    scene = plan("a basketball player dribbles a red ball")
    (ball,) = [e for e in scene.entities if e.body.shape == "ball"]
    assert ball.type == "basketball" and ball.body.palette[0] == (205, 40, 40)


def test_a_reporter_talks_not_the_man_he_talks_about() -> None:
    scene = plan("a man eats ketchup at a fast food restaurant while a news reporter talks about him")
    talkers = {scene.entity(line.speaker).id for line in scene.dialogue}
    (man,) = of_type(scene, "man")
    assert talkers and man.id not in talkers
    assert ("man", "eat") in acts(scene)
    assert not any("ignored 'reporter'" in note for note in scene.notes)


def test_a_guitarist_plays_the_guitar_and_a_drummer_the_drum() -> None:
    scene = plan("a man sings in Spanish on a stage while a guitarist plays and a drummer plays")
    play = {
        scene.entity(a.entity).type: scene.entity(a.target or "").type
        for a in scene.actions
        if a.verb == "play"
    }
    assert play == {"guitarist": "guitar", "drummer": "drum"}
    assert len(of_type(scene, "guitar")) == 1


def test_a_worn_thing_that_acts_is_an_object() -> None:
    scene = plan("a top hat with a huge feather spins on a table")
    (hat,) = of_type(scene, "top hat")
    assert hat.kind == "object"
    assert ("top hat", "spin") in acts(scene)
    assert not [e for e in scene.entities if e.kind == "person"], "nobody was asked for"


def test_a_chef_flips_a_pancake_not_himself() -> None:
    scene = plan('A chef flips a pancake in a kitchen and says "Voilà!"')
    assert ("chef", "backflip") not in acts(scene)
    (toss,) = [a for a in scene.actions if a.verb == "throw"]
    assert scene.entity(toss.target or "").type == "pancake"
    (line,) = scene.dialogue
    assert line.language == "fr"


def test_a_knight_fights_a_dragon() -> None:
    scene = plan("A knight rides a horse across a field, then fights a dragon.")
    assert ("knight", "ride") in acts(scene)
    assert any(a.verb == "push" and scene.entity(a.target or "").type == "dragon" for a in scene.actions)


def test_a_detective_in_a_black_coat_is_a_person_in_black() -> None:
    scene = plan("a detective in a long black coat walks down a rainy city street at night, noir style")
    people = [e for e in scene.entities if e.kind == "person"]
    assert len(people) == 1 and people[0].body.palette[2] == (28, 28, 30)
    assert not any(note.startswith("no one is named") for note in scene.notes)
    assert (scene.setting, scene.time_of_day, scene.weather, scene.style) == (
        "city street",
        "night",
        "rain",
        "noir",
    )


def test_compound_animal_words_map_to_their_head_noun() -> None:
    scene = plan("a bulldog chases a hummingbird")
    assert of_type(scene, "dog") and of_type(scene, "bird")
    assert {"mapped 'bulldog' to 'dog'", "mapped 'hummingbird' to 'bird'"} <= set(scene.notes)


def test_an_adjective_spelt_like_an_animal_adds_no_animal() -> None:
    scene = plan("a bearded man with a tired face walks down a crowded street; an elegant woman waves")
    assert {e.type for e in scene.entities if e.kind != "fixture"} == {"man", "woman"}
    assert {"ignored 'bearded': no visual concept", "ignored 'elegant': no visual concept"} <= set(
        scene.notes
    )


def test_falling_leaves_are_leaves() -> None:
    scene = plan("autumn leaves fall in the park while a girl runs")
    assert len(of_type(scene, "leaf")) == 2 and ("leaf", "fall") in acts(scene)
    assert ("girl", "run") in acts(scene)


def test_a_relative_clause_acts_for_its_noun() -> None:
    scene = plan("a little boy kicks a soccer ball to his father, who catches it")
    (catch,) = [a for a in scene.actions if a.verb == "catch"]
    assert scene.entity(catch.entity).type == "man"
    assert ("boy", "catch") not in acts(scene)


def test_a_relative_clause_speaks_for_its_noun() -> None:
    scene = plan('A chef says "Bon appétit!" to a customer, who answers "Merci!"')
    assert [(scene.entity(d.speaker).type, d.text, d.language) for d in scene.dialogue] == [
        ("chef", "Bon appétit!", "fr"),
        ("person", "Merci!", "fr"),
    ]


def test_numbered_script_speakers_are_the_numbered_members() -> None:
    scene = plan('Two robots talk. Robot 1: "Beep." Robot 2: "Boop."')
    robots = of_type(scene, "robot")
    assert len(robots) == 2
    assert [(d.speaker, d.text) for d in scene.dialogue] == [(robots[0].id, "Beep."), (robots[1].id, "Boop.")]


def test_a_dog_that_shakes_is_no_shark() -> None:
    shots = [
        ("a woman in a yellow raincoat walks a dog", 2.0),
        ("the dog shakes off water", 2.0),
        ("she laughs", 2.0),
    ]
    scene = plan("", 6.0, shots=shots)
    assert {e.type for e in scene.entities} == {"woman", "dog"}
    (woman,) = of_type(scene, "woman")
    assert woman.body.palette[2] == (240, 210, 50)
    assert ("woman", "laugh") in acts(scene) and ("dog", "dance") in acts(scene)
