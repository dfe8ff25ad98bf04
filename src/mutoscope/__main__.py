"""`python -m mutoscope`: the same command line as the installed `mutoscope` script."""

from mutoscope.cli.main import run

if __name__ == "__main__":
    run()
