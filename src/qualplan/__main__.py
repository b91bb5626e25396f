"""``python -m qualplan``."""

from qualplan.cli import main

main()
