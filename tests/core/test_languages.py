import pytest

from app.core.languages import browser_language, question_language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wo bekomme ich Hilfe in Dortmund?", "de"),
        ("Was ist KOMM-AN NRW?", "de"),
        ("Where can I get help in Dortmund?", "en"),
        ("What is KOMM-AN NRW?", "en"),
        ("Де я можу отримати допомогу в Дортмунді?", "uk"),
        ("Що таке KOMM-AN NRW?", "uk"),
        ("Где я могу получить помощь в Дортмунде?", "ru"),
        ("Что такое KOMM-AN NRW?", "ru"),
        ("أين أجد المساعدة في دورتموند؟", "ar"),
        ("KOMM-AN NRW nedir?", "tr"),
        ("Dortmund'da nereden yardım alabilirim?", "tr"),
    ],
)
def test_clear_questions_name_their_language(question: str, language: str) -> None:
    assert question_language(question) == language


@pytest.mark.parametrize("question", ["KOMM-AN NRW", "Welcome Center Kleve", "Dortmund?", "Дортмунд?", "123"])
def test_names_alone_do_not_decide_the_language(question: str) -> None:
    assert question_language(question) is None


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7", "uk"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),  # the first language Lotse speaks
        ("en;q=0.2,ar;q=0.9", "ar"),  # by weight, not position
        ("fr-FR", "de"),
        ("", "de"),
        (None, "de"),
        ("de;q=abc,tr", "tr"),  # a broken weight counts as 0
    ],
)
def test_browser_language_is_the_first_supported_accept_language(header: str | None, language: str) -> None:
    assert browser_language(header) == language
