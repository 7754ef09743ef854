from dataclasses import dataclass, field

from app.core import kept_per_text


@dataclass(frozen=True)
class Finder:
    word: str
    calls: list[str] = field(default_factory=list)

    @kept_per_text
    def find(self, text: str) -> list[str]:
        self.calls.append(text)
        return [self.word] if self.word in text else []


def test_a_text_is_read_once_per_object_and_each_call_gets_its_own_list() -> None:
    finder = Finder("Köln")
    first = finder.find("Hilfe in Köln")
    first.append("changed by the caller")
    assert finder.find("Hilfe in Köln") == ["Köln"]
    assert finder.find("Hilfe in Bonn") == []
    assert finder.calls == ["Hilfe in Köln", "Hilfe in Bonn"]


def test_objects_keep_their_own_results() -> None:
    cologne, bonn = Finder("Köln"), Finder("Bonn")
    assert cologne.find("Köln und Bonn") == ["Köln"]
    assert bonn.find("Köln und Bonn") == ["Bonn"]
