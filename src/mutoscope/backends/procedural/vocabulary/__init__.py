"""The procedural planner's vocabulary: what words mean to the world simulator, and how a prompt is read.

Data modules, one per concept family: `animals`, `people`, `objects`, `vehicles` (things with parametric
bodies, see `concepts`), `places` (scene settings), `actions` (verbs and their simulator parameters),
`styles`, `camera`, `conditions` (time of day, weather), `lighting`, `sounds`, `languages` (dialogue
languages, espeak-ng voices, a language guesser). The language-to-world modules the planner (`plan.py`) runs:
`lexicon` indexes every phrase (and maps unknown words to the nearest concept), `dialogue` lifts quoted and
scripted lines out of the text, `reading` turns the rest into sentences of who does what, `casting` maps
phrases to entities with bodies and gives each quoted line to its speaker, `furnishing` adds the setting,
props and fixtures the prompt leaves out, `voices` gives every speaker a voice (and words to a wordless
conversation), `staging` lays the cast out and times their actions, and `revisions` applies a remix's or an
edit's change requests ("make it an ad for...", "remove the dog").

This package imports nothing heavy (the backend spec imports `styles` at registry time) and nothing of the
procedural stages except the `Scene` types.
"""
