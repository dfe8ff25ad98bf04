"""Sound names the planner puts in `Scene.sounds`, and the prompt words that ask for them.

`AMBIENCE_NAMES` lists every ambience bed the planner may emit (settings, weather, prompt words): the names
the sound stage's textures answer to; `MUSIC_MOODS` the music moods. Foley is not planned here: it comes from
the simulation's contact events and from each thing's `sound`.
"""

from __future__ import annotations

from mutoscope.backends.procedural.vocabulary.places import PLACES

# The same beds the sound stage adds for weather, so a planned scene names them explicitly.
WEATHER_AMBIENCE: dict[str, tuple[str, ...]] = {
    "clear": (), "rain": ("rain",), "storm": ("storm",), "wind": ("wind",), "snow": ("snow",), "fog": (),
}  # fmt: skip

# Prompt words that ask for an ambience bed directly ("with the sound of traffic").
AMBIENCE_WORDS: dict[str, str] = {
    "traffic": "traffic", "car horns": "traffic", "honking": "traffic", "crowd noise": "crowd",
    "cheering": "crowd", "cheers": "crowd", "applause": "crowd", "chatter": "chatter", "birdsong": "birds",
    "birds chirping": "birds", "ocean waves": "waves", "crashing waves": "waves", "sound of waves": "waves",
    "surf": "waves", "crackling fire": "fire", "fireplace": "fire", "waterfall": "stream",
    "babbling brook": "stream",
    "silence": "room tone", "quiet": "room tone",
}  # fmt: skip

MUSIC_MOODS: tuple[str, ...] = ("upbeat", "calm", "dramatic", "jazz", "romantic", "tense", "epic", "playful")
# Words that ask for a music bed (with its mood when they carry one).
MUSIC_WORDS: dict[str, str] = {
    "music": "",
    "song": "",
    "soundtrack": "",
    "score music": "",
    "background music": "",
    "upbeat music": "upbeat",
    "pop music": "upbeat",
    "dance music": "upbeat",
    "disco": "upbeat",
    "calm music": "calm",
    "lofi": "calm",
    "lo fi": "calm",
    "ambient music": "calm",
    "dramatic music": "dramatic",
    "orchestral": "epic",
    "orchestra": "epic",
    "epic music": "epic",
    "jazz": "jazz",
    "jazzy": "jazz",
    "love song": "romantic",
    "romantic music": "romantic",
    "suspenseful music": "tense",
    "scary music": "tense",
    "happy music": "upbeat",
    "sad music": "calm",
    "funny music": "playful",
}
# Mood adjectives: they choose the music's mood when music is asked for (and are otherwise just adjectives).
MOOD_WORDS: dict[str, str] = {
    "upbeat": "upbeat", "energetic": "upbeat", "party": "upbeat", "calm": "calm", "relaxing": "calm",
    "peaceful": "calm", "serene": "calm", "dramatic": "dramatic", "romantic": "romantic", "tense": "tense",
    "suspense": "tense", "suspenseful": "tense", "scary": "tense", "spooky": "tense", "horror": "tense",
    "playful": "playful", "funny": "playful", "silly": "playful", "whimsical": "playful",
    "cheerful": "playful",
    "happy": "upbeat", "sad": "calm", "epic": "epic", "heroic": "epic",
}  # fmt: skip

# Verbs whose scenes want a music bed even when the prompt does not ask for one.
MUSIC_FOR_VERBS: dict[str, str] = {"dance": "upbeat"}
# Styles that suggest a music bed when music is asked for without a mood.
STYLE_MUSIC: dict[str, str] = {"noir": "jazz", "cinematic": "dramatic", "cartoon": "playful", "anime": "epic"}

AMBIENCE_NAMES: tuple[str, ...] = tuple(
    sorted(
        {name for place in PLACES.values() for name in (*place.ambience, *place.night_ambience)}
        | {name for names in WEATHER_AMBIENCE.values() for name in names}
        | set(AMBIENCE_WORDS.values())
    )
)
