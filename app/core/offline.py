"""The offline guard: nothing reports home and nothing is downloaded at run time, whatever the
environment holds. Entry points (the ``lotse`` command, the test session, the benchmarks) call
``stay_offline`` first, before gradio, chromadb or huggingface_hub are imported (they read these
variables at import); importing ``app`` changes nothing. The library passes the same choices
explicitly where it can (Chroma's ``anonymized_telemetry``, Gradio's ``analytics_enabled``,
sentence-transformers' ``local_files_only``), so it stays offline without the guard too."""

from __future__ import annotations

import os

NO_REPORTS = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def stay_offline() -> None:
    """Set ``NO_REPORTS`` in this process's environment (and so its children's)."""
    os.environ.update(NO_REPORTS)
