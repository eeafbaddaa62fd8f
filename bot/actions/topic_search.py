"""Topics for a question typed in another language (issue 18).

The English classifier cannot read Polish or Urdu, so a question in another language would
get only the menu. Instead the assistant looks for the topics whose own words in that
language (their button label and messages, bot/content/translations/) are most like the
question, on character n-grams of the accent-free text (typos and word endings still
match), and offers the closest as buttons before the menu's: "did you mean", never an
answer given on a guess. The threshold was chosen on a development set of questions
(tests/languages/questions/, docs/languages.md).
"""
from __future__ import annotations

from typing import Dict, List, Set, Text, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bot.actions.content_model import Content
from connectors.languages import plain

MAX_SUGGESTIONS = 3
# Below this similarity a topic is not offered (0 to 1): the highest that kept every right
# suggestion on the development set (docs/languages.md).
LEAST_SIMILAR = 0.08
# Topics that are not answers to a question: the menu itself, and what a button never offers.
NOT_ANSWERS = {"menu", "greet", "goodbye", "thank", "affirm", "deny", "stop", "inform", "nlu_fallback", "danger_now",
               "out_of_scope"}


class TopicIndex:
    """The answerable topics of one content, in one language, ready to compare questions with."""

    def __init__(self, content: Content) -> None:
        self.topic_ids = sorted(answerable_topics(content))
        documents = [topic_words(content, topic_id) for topic_id in self.topic_ids]
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=plain)
        self.vectors = self.vectorizer.fit_transform(documents)

    def closest(self, question: Text) -> List[Text]:
        """Up to MAX_SUGGESTIONS topic ids, most similar first, each at least LEAST_SIMILAR."""
        if not question.strip():
            return []
        similarity = cosine_similarity(self.vectorizer.transform([question]), self.vectors)[0]
        ranked = sorted(range(len(self.topic_ids)), key=lambda i: similarity[i], reverse=True)
        return [self.topic_ids[i] for i in ranked[:MAX_SUGGESTIONS] if similarity[i] >= LEAST_SIMILAR]


def answerable_topics(content: Content) -> Set[Text]:
    """Every topic some button leads to, less the menu and the conversation's own moves."""
    return {b for topic in content.topics.values() for b in topic.buttons if b in content.topics} - NOT_ANSWERS


def topic_words(content: Content, topic_id: Text) -> Text:
    """The topic's label and messages as this content says them, and its English label
    (people type names such as "Clare's Law" as they see them)."""
    topic = content.topics[topic_id]
    messages, _ = content.messages_of(topic)
    return " ".join([content.label_of(topic), topic.label, *messages])


# One index per content and language: content is re-read when its files change, and a new
# Content object gets new indexes; the old ones go with it.
_indexes: Dict[Tuple[int, Text], Tuple[Content, TopicIndex]] = {}
MAX_INDEXES = 32


def topics_like(content: Content, question: Text) -> List[Text]:
    """The topics most like a question in the content's language."""
    key = (id(content.topics), content.language)
    cached = _indexes.get(key)
    if cached is None or cached[0].topics is not content.topics:
        if len(_indexes) >= MAX_INDEXES:
            _indexes.clear()
        cached = (content, TopicIndex(content))
        _indexes[key] = cached
    return cached[1].closest(question)
