"""The `mutoscope` command line: typer commands that print through rich consoles.

`main.py` holds the app and the `run()` entry point; each command group has its own module (`generate`,
`backends`, `doctor`, `plan`). `arguments` parses the CLI's own argument syntaxes (`WxH`, `PROMPT=SECONDS`,
`KEY=VALUE`), `inputs` reads scene JSON and first-frame images, `output` owns the consoles and turns project
errors into one-line messages and exit codes, and `context` hands the settings the entry point loaded to the
commands. The CLI is the top layer: it may import anything in mutoscope, but imports backends' heavy modules
only inside the commands that need them.
"""
