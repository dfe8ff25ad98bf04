"""Time of day and weather: the values a `Scene` takes and the words that set them."""

from __future__ import annotations

TIMES_OF_DAY: tuple[str, ...] = ("dawn", "day", "sunset", "night")
WEATHERS: tuple[str, ...] = ("clear", "rain", "snow", "fog", "wind", "storm")

TIME_WORDS: dict[str, str] = {
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn", "morning": "dawn", "early morning": "dawn",
    "day": "day", "daytime": "day", "daylight": "day", "noon": "day", "midday": "day", "afternoon": "day",
    "broad daylight": "day", "sunset": "sunset", "dusk": "sunset", "evening": "sunset",
    "golden hour": "sunset",
    "twilight": "sunset", "sundown": "sunset", "night": "night", "nighttime": "night", "midnight": "night",
    "tonight": "night", "moonlit": "night", "moonlight": "night", "starry": "night", "starlit": "night",
    "dark": "night", "late night": "night", "overnight": "night", "nocturnal": "night", "neon": "night",
}  # fmt: skip

WEATHER_WORDS: dict[str, str] = {
    "rain": "rain", "rainy": "rain", "raining": "rain", "rains": "rain", "rainstorm": "rain",
    "drizzle": "rain", "drizzling": "rain", "downpour": "rain", "pouring": "rain", "showers": "rain",
    "wet": "rain", "puddles": "rain", "snow": "snow", "snowy": "snow", "snowing": "snow", "snows": "snow",
    "snowfall": "snow", "snowflakes": "snow", "blizzard": "snow", "snowstorm": "snow", "fog": "fog",
    "foggy": "fog", "mist": "fog", "misty": "fog", "haze": "fog", "hazy": "fog", "smoky": "fog",
    "wind": "wind", "windy": "wind", "breezy": "wind", "breeze": "wind", "gust": "wind", "gusty": "wind",
    "gale": "wind", "storm": "storm", "stormy": "storm", "thunder": "storm", "thunderstorm": "storm",
    "lightning": "storm", "hurricane": "storm", "tempest": "storm", "sunny": "clear", "clear sky": "clear",
    "sunshine": "clear", "clear skies": "clear", "cloudless": "clear",
}  # fmt: skip
