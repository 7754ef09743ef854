"""What a reader of a web page sees: elements hidden by markup or styles are removed before
the main text is extracted, so text planted out of sight never becomes evidence.

Hidden means: ``<template>``, ``<noscript>``, ``<script>``, ``<style>``; the ``hidden`` attribute;
``aria-hidden="true"``; and inline styles or simple ``<style>`` rules (``.class``, ``#id``,
``tag``) that hide text: ``display:none``, ``visibility:hidden``, ``opacity:0``, a zero font
size, a zero-sized box that clips its content, ``clip``/``clip-path`` to nothing, far
off-screen positions or indents, ``transform: scale(0)``, and white text on a white (or no
stated) background."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

NEVER_SHOWN = ("template", "noscript", "script", "style")
_DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9]*)?(?:[.#][\w-]+)?$", re.IGNORECASE)
_ZERO = re.compile(r"^-?0*\.?0+(?:px|em|rem|pt|%|vw|vh)?$")
_FAR_OFF = re.compile(r"^-\d{3,}(?:\.\d+)?(?:px|em|rem|pt|vw|vh)?$")
_WHITE = {"white", "#fff", "#ffffff", "rgb(255,255,255)", "rgba(255,255,255,1)", "hsl(0,0%,100%)"}
_CLIPPED_AWAY = re.compile(r"rect\(\s*0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?\s*\)|inset\(\s*(?:50%|100%)")


@dataclass(frozen=True)
class VisiblePage:
    """A page's markup with hidden elements removed, and how many hidden text blocks it had."""

    markup: bytes
    hidden_blocks: int


def style_of(text: str) -> dict[str, str]:
    """CSS declarations as ``{property: value}``, lower-cased, spaces inside values removed."""
    return {
        name: re.sub(r"\s+", "", value.lower().replace("!important", "")) for name, value in _DECLARATION.findall(text.lower())
    }


def _color(value: str) -> str:
    return value.replace("rgba(255,255,255,1.0)", "rgba(255,255,255,1)")


def hides(style: dict[str, str], background_stated: bool = False) -> bool:
    """Whether these declarations keep an element's text from a reader."""
    if style.get("display") == "none" or style.get("visibility") in ("hidden", "collapse"):
        return True
    if _ZERO.match(style.get("opacity", "1")) or _ZERO.match(style.get("font-size", "1")):
        return True
    boxed = (
        _ZERO.match(style.get("width", "")) or _ZERO.match(style.get("height", "")) or _ZERO.match(style.get("max-height", ""))
    )
    if boxed and style.get("overflow") in ("hidden", "clip"):
        return True
    if _CLIPPED_AWAY.search(style.get("clip", "") + style.get("clip-path", "")):
        return True
    if style.get("position") in ("absolute", "fixed") and any(
        _FAR_OFF.match(style.get(side, "")) for side in ("left", "top", "right")
    ):
        return True
    if _FAR_OFF.match(style.get("text-indent", "")) or "scale(0)" in style.get("transform", ""):
        return True
    background = style.get("background-color", style.get("background", ""))
    return _color(style.get("color", "")) in _WHITE and (not (background or background_stated) or _color(background) in _WHITE)


def _stylesheet_selectors(tree: etree._Element) -> list[str]:
    """Simple selectors (``tag``, ``.class``, ``#id``, ``tag.class``) whose ``<style>`` rule hides text."""
    hidden: list[str] = []
    for block in tree.iter("style"):
        css = re.sub(r"/\*.*?\*/", "", block.text or "", flags=re.S)
        css = re.sub(r"@media[^{]*\{", "", css)  # rules inside a media query count like the others
        for selectors, declarations in _RULE.findall(css):
            if hides(style_of(declarations)):
                hidden += [s.strip() for s in selectors.split(",") if _SIMPLE_SELECTOR.match(s.strip())]
    return hidden


def _matches(element: etree._Element, selector: str) -> bool:
    tag = re.split(r"[.#]", selector, maxsplit=1)[0]
    rest = selector[len(tag) :]
    if tag and element.tag != tag.lower():
        return False
    if rest.startswith("."):
        return rest[1:] in (element.get("class") or "").split()
    if rest.startswith("#"):
        return bool(element.get("id") == rest[1:])
    return bool(tag)


def _background_stated(element: etree._Element) -> bool:
    """Whether an ancestor's inline style sets a background (white text on it may be visible)."""
    parent = element.getparent()
    while parent is not None:
        style = style_of(parent.get("style") or "")
        if "background" in style or "background-color" in style:
            return _color(style.get("background-color", style.get("background", ""))) not in _WHITE
        parent = parent.getparent()
    return False


def _is_hidden(element: etree._Element, selectors: list[str]) -> bool:
    if element.tag in NEVER_SHOWN or element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = element.get("style")
    if style and hides(style_of(style), _background_stated(element)):
        return True
    return any(_matches(element, selector) for selector in selectors)


def visible_page(raw: bytes) -> VisiblePage:
    """The page without what a reader cannot see (unparseable markup is returned unchanged)."""
    try:
        tree = html.fromstring(raw)
    except (etree.ParserError, ValueError):
        return VisiblePage(raw, 0)
    selectors = _stylesheet_selectors(tree)
    doomed = [el for el in tree.iter() if isinstance(el.tag, str) and _is_hidden(el, selectors)]
    marked = set(doomed)
    blocks = 0
    for element in doomed:
        if element.getparent() is None or any(a in marked for a in element.iterancestors()):
            continue
        blocks += element.tag not in ("script", "style") and bool(element.text_content().strip())
        element.drop_tree()
    return VisiblePage(html.tostring(tree, encoding="utf-8"), blocks)
