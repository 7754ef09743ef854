"""Evaluation: datasets, metrics and the scripts that measure Lotse.

Some run as programs (``python -m evals.gap_groups``), so the package turns on the offline guard
before any of them imports gradio, chromadb or huggingface_hub."""

from app.core import stay_offline

stay_offline()
