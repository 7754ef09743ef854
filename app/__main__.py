"""``python -m app`` runs the ``lotse`` command line."""

from app.cli import main

main()
