"""Ingestion: corpus files -> clean text -> sentence-aware chunks -> Chroma."""

from ingest.pipeline import IngestReport, run_ingest

__all__ = ["IngestReport", "run_ingest"]
