"""Benchmarks: scripts that print tables (run as ``python -m benchmarks.<name>`` from the project root).

Each is an entry point, so the package turns on the offline guard before any script imports
gradio, chromadb or huggingface_hub."""

from app.core import stay_offline

stay_offline()
