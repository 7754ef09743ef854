"""Switching the page's interface language: every component registers which of its texts
(German ``N_`` texts) follow the language, and one event updates them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from app.edges.i18n import translate

Update = Callable[[str], dict[str, Any]]


class Relabel:
    """Collects, per component, what to change when the interface language changes."""

    def __init__(self) -> None:
        self._updates: dict[int, tuple[gr.components.Component | gr.blocks.BlockContext, list[Update]]] = {}

    def add(self, component: Any, update: Update) -> None:
        """``update(language)`` returns the component's new properties (a ``gr.update``)."""
        self._updates.setdefault(id(component), (component, []))[1].append(update)

    def label(self, *components: Any) -> None:
        """Each component's label (set to a German ``N_`` text) follows the language."""
        for component in components:
            self.add(component, self._translated("label", str(component.label)))

    def value(self, *components: Any) -> None:
        """Each component's shown value (a button's text, a Markdown note) follows the language."""
        for component in components:
            self.add(component, self._translated("value", str(component.value)))

    def placeholder(self, textbox: gr.Textbox, submit: str | None = None) -> None:
        """A text field's placeholder (and its send button's text, if it has one) follow the language."""
        self.add(textbox, self._translated("placeholder", str(textbox.placeholder)))
        if submit is not None:
            self.add(textbox, self._translated("submit_btn", submit))

    @staticmethod
    def _translated(prop: str, text: str) -> Update:
        """The update setting ``prop`` to ``text`` in a language."""
        return lambda language: {"__type__": "update", prop: translate(language, text)}

    @property
    def components(self) -> list[Any]:
        """Every component that registered a text, in the order of registration."""
        return [component for component, _ in self._updates.values()]

    def apply(self, language: str) -> list[dict[str, Any]]:
        """The updates for ``language``, one per registered component (in ``components`` order)."""
        return [{k: v for update in updates for k, v in update(language).items()} for _, updates in self._updates.values()]
