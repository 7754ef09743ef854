"""The learned intent and detail heads: where they stand and where the cues decide."""

import numpy as np

from app.conversation import cues
from app.conversation.intent import Head, IntentModel

CUE_NAMES = tuple(cues().features("").keys())


def head(classes: tuple[str, ...], favourite: str, floor: float = 0.0, applied: bool = True) -> Head:
    """A head that prefers ``favourite`` (probability about 0.9 with these logits) whatever the input."""
    bias = np.asarray([3.0 if c == favourite else 0.0 for c in classes], dtype=np.float32)
    return Head(classes, np.zeros((len(classes), 4 + len(CUE_NAMES)), dtype=np.float32), bias, floor, applied)


def model(intent: Head, detail: Head) -> IntentModel:
    return IntentModel("test", CUE_NAMES, intent, detail)


VECTOR = np.ones(4, dtype=np.float32) / 2


def test_a_confident_head_decides_against_the_cues() -> None:
    asked = model(head(("help", "fact"), "help"), head(("none", "phone"), "none")).asked(VECTOR, "Was ist KOMM-AN?")
    assert (asked.intent, asked.detail) == ("help", "none")


def test_below_its_floor_a_head_leaves_the_decision_to_the_cues() -> None:
    unsure = model(head(("help", "fact"), "help", floor=0.99), head(("none", "phone"), "phone", floor=0.99))
    asked = unsure.asked(VECTOR, "Wie lautet die Telefonnummer?")
    assert (asked.intent, asked.detail) == ("fact", "phone")  # the cues' answer


def test_a_head_not_applied_is_never_asked_and_a_detail_makes_a_fact_question() -> None:
    detail_by_cues = model(head(("help", "fact"), "help"), head(("none", "phone"), "none", applied=False))
    asked = detail_by_cues.asked(VECTOR, "Wie lautet die Telefonnummer?")
    assert (asked.intent, asked.detail) == ("fact", "phone")


def test_the_topic_head_calls_a_message_unrelated_only_above_its_floor_and_a_model_without_one_never_does() -> None:
    intent, detail = head(("help", "fact"), "help"), head(("none", "phone"), "none")
    sure = IntentModel("test", CUE_NAMES, intent, detail, head(("related", "unrelated"), "unrelated", floor=0.85))
    unsure = IntentModel("test", CUE_NAMES, intent, detail, head(("related", "unrelated"), "unrelated", floor=0.96))
    assert sure.asked(VECTOR, "Schreib mir ein Gedicht").unrelated
    assert not unsure.asked(VECTOR, "Schreib mir ein Gedicht").unrelated  # 0.953 sure is not sure enough
    assert not model(intent, detail).asked(VECTOR, "Schreib mir ein Gedicht").unrelated


def test_the_stored_model_declines_an_off_topic_message_but_not_a_newcomers_question() -> None:
    from app.conversation.intent import classifier_for
    from app.core import Settings
    from app.index import load_embeddings

    embeddings = load_embeddings(Settings().embeddings)
    stored = classifier_for(embeddings.id)
    assert stored is not None and stored.topic is not None

    def unrelated(message: str) -> bool:
        return stored.asked(np.asarray(embeddings.embed_query(message), dtype=np.float32), message).unrelated

    assert unrelated("can u write me a short poem for my mums birthday?")
    assert not unrelated("Wo bekomme ich in Dortmund Hilfe mit den Papieren?")
    assert not unrelated("نامه از Ausländerbehörde برام اومده هیچی نمیفهمم کی میتونه برام توضیح بده")


def test_the_need_head_names_a_need_only_above_its_floor_and_never_none() -> None:
    intent, detail = head(("help", "fact"), "help"), head(("none", "phone"), "none")
    needs = ("business", "none")

    def with_need(favourite: str, floor: float) -> IntentModel:
        return IntentModel("test", CUE_NAMES, intent, detail, need=head(needs, favourite, floor=floor))

    assert with_need("business", 0.85).sought_need(VECTOR, "Ich will einen Laden eröffnen") == "business"
    assert with_need("business", 0.96).sought_need(VECTOR, "Ich will einen Laden eröffnen") is None  # 0.953 is not enough
    assert with_need("none", 0.0).sought_need(VECTOR, "Wer hilft mir?") is None
    assert model(intent, detail).sought_need(VECTOR, "Ich will einen Laden eröffnen") is None


def test_a_learned_need_counts_only_when_the_ask_alone_gets_it_too() -> None:
    """The head reads the whole message; a need it finds only in the situation told before the ask
    ("… wohne in einer Unterkunft. Wo finde ich Unterstützung?") is not what the message seeks."""
    from app.conversation import Glossary, Understanding

    def embed(text: str) -> list[float]:  # "Unterkunft" points the fake need head at housing
        return [1.0, 0.0, 0.0, 0.0] if "Unterkunft" in text else [0.0, 1.0, 0.0, 0.0]

    weights = np.zeros((2, 4 + len(CUE_NAMES)), dtype=np.float32)
    weights[0, 0] = weights[1, 1] = 6.0  # housing from the first dimension, none from the second
    need = Head(("housing", "none"), weights, np.zeros(2, dtype=np.float32), floor=0.7)
    classifier = IntentModel("test", CUE_NAMES, head(("help", "fact"), "help"), head(("none", "phone"), "none"), need=need)
    understand = Understanding(Glossary(), set(), embed=embed, classifier=classifier)

    told = understand("Ich wohne mit meinen Kindern in einer Unterkunft in Dortmund. Wo finde ich Unterstützung?")
    assert "Unterkunft" not in told.ask and told.needs == ()
    asked = understand("Wer hilft mir, aus der Unterkunft in Dortmund herauszukommen?")
    assert [n.name for n in asked.needs] == ["housing"]
    agreed = understand("Ich bin seit Mai in Dortmund. Wer hilft mir, aus der Unterkunft herauszukommen?")
    assert "Unterkunft" in agreed.ask and [n.name for n in agreed.needs] == ["housing"]


def test_the_stored_need_head_finds_needs_the_cues_miss() -> None:
    """Applied where the ask agrees (``Understanding.learned_need``); alone, it declined four
    robustness questions for a need their preamble only mentions (``models/README.md``)."""
    from app.conversation import classifier_for, feature_vector
    from app.conversation.asking import needs_of
    from app.core import Settings
    from app.index import load_embeddings

    embeddings = load_embeddings(Settings().embeddings)
    stored = classifier_for(embeddings.id)
    assert stored is not None and stored.need is not None and stored.need.applied

    def need(message: str) -> str:
        vector = np.asarray(embeddings.embed_query(message), dtype=np.float32)
        return stored.need.predict(feature_vector(vector, message, stored.cue_names))[0]  # type: ignore[union-attr]

    racism = "got racially abused on the tram in cologne today, where can i report this and get support"
    assert needs_of(racism) == () and need(racism) == "discrimination"
    assert stored.sought_need(np.asarray(embeddings.embed_query(racism), dtype=np.float32), racism) == "discrimination"
    assert need("Welche Angebote hat das Welcome Center im Kreis Kleve?") == "none"
