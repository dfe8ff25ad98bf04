"""Scene settings ("places", to keep them apart from `mutoscope.settings`): ground, water, ambience, fixtures.

A setting's water is a rectangle of the world (see `WaterBody`); the planner turns it into a `water` fixture
entity so the simulator (buoyancy) and the renderer (drawing) agree on where it is. `lights` names the
lighting family (`lighting.py`) and `ambience` the sound beds (`sounds.py`).
"""

from __future__ import annotations

from mutoscope.backends.procedural.vocabulary.concepts import Place, WaterBody

# The sea starts a few metres right of the stage centre and runs out of frame; surface at ground level.
SHORE = WaterBody(x0_m=4.0, x1_m=80.0, surface_m=0.0, depth_m=3.0)
LAKE = WaterBody(x0_m=2.0, x1_m=60.0, surface_m=0.0, depth_m=4.0)
POOL = WaterBody(x0_m=-6.0, x1_m=6.0, surface_m=0.0, depth_m=2.0)
DEEP = WaterBody(x0_m=-80.0, x1_m=80.0, surface_m=20.0, depth_m=20.0)  # submerged: the seabed is y = 0
OPEN_SEA = WaterBody(x0_m=-80.0, x1_m=80.0, surface_m=0.0, depth_m=30.0)

PLACES: dict[str, Place] = {
    p.name: p
    for p in (
        Place("studio", False, "tile", 8, ("room tone",), lights="indoor", subjects=("person",)),
        Place("beach", True, "sand", 14, ("waves", "wind"), ("waves",), water=SHORE, subjects=("person",
              "dog")),
        Place("ocean", True, "none", 20, ("waves", "wind"), water=OPEN_SEA, subjects=("dolphin", "boat")),
        Place("lake", True, "grass", 14, ("water", "birds"), ("water",), water=LAKE, subjects=("duck",
              "person")),
        Place("river", True, "grass", 14, ("stream", "birds"), ("stream",), water=LAKE, subjects=("person",)),
        Place("pool", True, "tile", 14, ("water", "chatter"), water=POOL, subjects=("swimmer",)),
        Place("underwater", False, "sand", 16, ("underwater",), water=DEEP, lights="underwater",
              subjects=("fish", "fish", "dolphin")),
        Place("city street", True, "asphalt", 16, ("city",), ("traffic",), lights="street",
              subjects=("person", "car")),
        Place("night market", True, "asphalt", 12, ("crowd", "city"), lights="market", subjects=("person",
              "person")),
        Place("park", True, "grass", 14, ("birds", "wind"), ("wind",), subjects=("person", "dog")),
        Place("garden", True, "grass", 10, ("birds",), ("wind",), subjects=("butterfly", "person")),
        Place("forest", True, "grass", 14, ("forest",), ("wind",), subjects=("deer", "fox")),
        Place("jungle", True, "grass", 14, ("jungle",), ("jungle",), subjects=("monkey", "parrot")),
        Place("savanna", True, "grass", 20, ("wind", "birds"), ("wind",), subjects=("lion", "elephant")),
        Place("farm", True, "grass", 16, ("birds", "wind"), ("wind",), subjects=("cow", "chicken", "farmer")),
        Place("desert", True, "sand", 20, ("wind",), ("wind",), subjects=("camel",)),
        Place("mountain", True, "rock", 20, ("wind",), ("wind",), subjects=("eagle", "person")),
        Place("snowfield", True, "snow", 16, ("wind",), ("wind",), subjects=("penguin", "skier")),
        Place("sky", True, "none", 30, ("wind",), ("wind",), subjects=("bird", "plane")),
        # Space is silent; the sound stage adds nothing where the plan names no bed and the setting has none.
        Place("space", False, "none", 30, (), lights="space", subjects=("astronaut", "spaceship"),
              notes="space is drawn starry and dark; bodies still fall under Earth gravity"),
        Place("moon", True, "rock", 20, (), lights="space", subjects=("astronaut",),
              notes="the moon's low gravity is not simulated"),
        Place("gym", False, "wood", 12, ("room",), lights="indoor", subjects=("gymnast",)),
        Place("basketball court", False, "wood", 14, ("room", "crowd"), fixtures=("hoop",), lights="indoor",
              subjects=("basketball player",)),
        Place("stadium", True, "grass", 24, ("crowd",), ("crowd",), lights="street",
              subjects=("soccer player", "soccer player")),
        Place("skatepark", True, "asphalt", 14, ("wind", "traffic"), ("traffic",), fixtures=("ramp",),
              subjects=("skater",)),
        Place("kitchen", False, "tile", 7, ("room tone",), lights="indoor", subjects=("chef",)),
        Place("living room", False, "wood", 7, ("room tone",), lights="indoor", subjects=("cat", "person")),
        Place("bedroom", False, "wood", 6, ("room tone",), lights="indoor", subjects=("person",)),
        Place("classroom", False, "tile", 9, ("room tone", "chatter"), lights="indoor",
              subjects=("teacher", "student")),
        Place("office", False, "tile", 9, ("room tone",), lights="indoor", subjects=("office worker",)),
        Place("restaurant", False, "wood", 9, ("chatter", "room tone"), lights="indoor",
              subjects=("person", "chef")),
        Place("stage", False, "wood", 10, ("room", "crowd"), lights="stage", subjects=("singer",)),
        Place("castle", True, "rock", 14, ("wind", "birds"), ("wind",), subjects=("knight",)),
        Place("cave", False, "rock", 10, ("water", "wind"), lights="underwater", subjects=("bat",)),
    )
}  # fmt: skip

SYNONYMS: dict[str, str] = {
    "seaside": "beach", "shore": "beach", "seashore": "beach", "coast": "beach", "sand": "beach",
    "sea": "ocean", "open ocean": "ocean", "pond": "lake", "lakeside": "lake",
    "stream": "river", "creek": "river", "riverbank": "river", "swimming pool": "pool",
    "under water": "underwater", "under the sea": "underwater", "seabed": "underwater", "reef": "underwater",
    "coral reef": "underwater", "aquarium": "underwater", "ocean floor": "underwater",
    "street": "city street", "bus stop": "city street", "train station": "city street",
    "city": "city street", "downtown": "city street", "road": "city street", "town": "city street",
    "avenue": "city street", "alley": "city street", "sidewalk": "city street", "highway": "city street",
    "crosswalk": "city street", "market": "night market", "street market": "night market",
    "bazaar": "night market", "food stalls": "night market", "meadow": "park", "field": "park",
    "playground": "park", "lawn": "park", "yard": "garden", "backyard": "garden", "woods": "forest",
    "woodland": "forest", "rainforest": "jungle", "grassland": "savanna", "safari": "savanna",
    "prairie": "savanna", "barn": "farm", "ranch": "farm", "countryside": "farm", "dunes": "desert",
    "sand dunes": "desert", "canyon": "desert", "mountains": "mountain", "hill": "mountain",
    "hills": "mountain", "cliff": "mountain", "peak": "mountain", "arctic": "snowfield",
    "antarctica": "snowfield", "tundra": "snowfield", "ski slope": "snowfield", "glacier": "snowfield",
    "ice": "snowfield", "clouds": "sky", "the sky": "sky", "outer space": "space",
    "orbit": "space", "galaxy": "space", "lunar surface": "moon", "mars": "moon", "planet": "moon",
    "gymnasium": "gym", "fitness center": "gym", "court": "basketball court",
    "basketball gym": "basketball court",
    "arena": "stadium", "soccer field": "stadium", "football field": "stadium", "pitch": "stadium",
    "track": "stadium", "racetrack": "stadium", "skate park": "skatepark", "skate ramp": "skatepark",
    "kitchen counter": "kitchen", "lounge": "living room", "house": "living room",
    "apartment": "living room", "home": "living room", "room": "living room", "bedroom floor": "bedroom",
    "school": "classroom", "library": "classroom", "workplace": "office", "cafe": "restaurant",
    "coffee shop": "restaurant", "diner": "restaurant", "bar": "restaurant", "concert": "stage",
    "theater": "stage", "theatre": "stage", "nightclub": "stage", "dance floor": "stage", "palace": "castle",
    "kingdom": "castle", "fortress": "castle", "cavern": "cave", "tunnel": "cave", "studio set": "studio",
}  # fmt: skip
