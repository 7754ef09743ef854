"""The edges, where people and tools meet Lotse: the ``lotse`` command line, the Gradio web
chat and the maintainers' dashboard (``app.edges.web``, imported only when serving), the
feedback store with its topic grouping, and the programme directory for counsellors.
Nothing in ``app`` imports the edges."""

from app.edges.cli import main
from app.edges.feedback import FeedbackStore
from app.edges.gaps import MAX_GROUPED, group_gaps, topic_labels
from app.edges.plain_text import render_text
from app.edges.privacy import scrub
from app.edges.programmes import ProgrammeDirectory

__all__ = ["MAX_GROUPED", "FeedbackStore", "ProgrammeDirectory", "group_gaps", "main", "render_text", "scrub", "topic_labels"]
