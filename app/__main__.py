"""``python -m app`` runs the ``lotse`` command line."""

from app.edges import main

main()
