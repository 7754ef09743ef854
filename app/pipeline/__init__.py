"""The pipeline: ``Lotse`` wires settings to the index, understanding, retrieval and
answering, and runs each question through the chain question -> understand -> retrieve ->
read pages -> compose -> verify -> ``Answer``. The edges (CLI, web) use only this."""

from app.pipeline.service import Lotse

__all__ = ["Lotse"]
