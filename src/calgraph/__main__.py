"""`python -m calgraph` runs the command line."""

from calgraph.cli import main

main()
