"""The labels Gradio draws itself (👍/👎, copy, clear, table buttons) in the interface language.

Gradio translates some of them once, when a button is created, in the browser's language, and
never again; others it has only in English. A small script in the page therefore keeps them in
the chosen language: it knows each label by Gradio's own wording (English, or one of Gradio's
translations for Lotse's languages) and replaces it with Lotse's text from the catalogues."""

from __future__ import annotations

import json

from app.core import LANGUAGES
from app.edges.i18n import N_, translate

GRADIO_LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "like": (N_("Hilfreich"), ("Like", "Gefällt mir", "إعجاب", "Подобається", "Beğen", "Нравится")),
    "dislike": (
        N_("Nicht hilfreich"),
        ("Dislike", "Gefällt mir nicht", "عدم الإعجاب", "Не подобається", "Beğenme", "Не нравится"),
    ),
    "clear": (
        N_("Unterhaltung löschen"),
        ("Clear", "Chat leeren", "مسح المحادثة", "Очистити чат", "Sohbeti Temizle", "Очистить чат"),
    ),
    "copy_message": (N_("Nachricht kopieren"), ("Copy message", "Копировать сообщение")),
    "copied_message": (N_("Nachricht kopiert"), ("Copied message", "Сообщение скопировано")),
    "copy": (N_("Kopieren"), ("Copy",)),
    "copied": (N_("Kopiert"), ("Copied",)),
    "copy_table": (N_("Tabelle kopieren"), ("Copy table data",)),
    "fullscreen": (N_("Vollbild"), ("Fullscreen",)),
    "more_tabs": (N_("Weitere Tabs"), ("More tabs",)),
    "cell_menu": (N_("Zellenmenü öffnen"), ("Open cell menu",)),
    "table_actions": (N_("Tabellenaktionen"), ("Table actions",)),
    "table": (N_("Tabelle"), ("Dataframe",)),
    "conversation": (N_("Unterhaltung"), ("chatbot conversation",)),
    "upload": (N_("Datei hochladen"), ("File upload",)),
}
MESSAGE_PREFIXES = ("bot's message: ", "user's message: ")
"""Gradio labels each message with its raw Markdown; without the label a screen reader reads the text."""

SCRIPT = """
(() => {
  const KEYS = __KEYS__, LABELS = __LABELS__, PREFIXES = __PREFIXES__;
  const relabel = () => {
    const labels = LABELS[document.documentElement.dataset.lotseLanguage || 'de'] || LABELS.de;
    for (const element of document.querySelectorAll('[aria-label], [title]')) {
      for (const attribute of ['aria-label', 'title']) {
        const value = element.getAttribute(attribute);
        if (!value) continue;
        if (PREFIXES.some((prefix) => value.startsWith(prefix))) { element.removeAttribute(attribute); continue; }
        const slot = attribute === 'title' ? 'lotseTitle' : 'lotseLabel';
        const key = KEYS[value] || element.dataset[slot];
        if (!key) continue;
        element.dataset[slot] = key;
        if (value !== labels[key]) element.setAttribute(attribute, labels[key]);
      }
    }
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; relabel(); });
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label', 'title']});
  window.lotseRelabel = relabel;
  relabel();
})();
"""


def gradio_labels_script() -> str:
    """The page script that keeps Gradio's own labels in the interface language."""
    keys = {wording: key for key, (_, wordings) in GRADIO_LABELS.items() for wording in wordings}
    labels = {code: {key: translate(code, text) for key, (text, _) in GRADIO_LABELS.items()} for code in LANGUAGES}
    return (
        SCRIPT.replace("__KEYS__", json.dumps(keys, ensure_ascii=False))
        .replace("__LABELS__", json.dumps(labels, ensure_ascii=False))
        .replace("__PREFIXES__", json.dumps(MESSAGE_PREFIXES))
    )
