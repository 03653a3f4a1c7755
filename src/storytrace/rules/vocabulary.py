"""The word lists the classifier's rules share (numbers, dates, negations, verbs of saying), in lower case; the C
helper is given the same sets at each call."""

from __future__ import annotations

from typing import Final

NUMBER_WORDS: Final = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion dozen dozens hundreds thousands millions billions half quarter third percent first second
    fourth fifth""".split()
)
DATE_WORDS: Final = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today
    yesterday tomorrow tonight morning afternoon evening night week month year weekend spring summer autumn
    winter""".split()
)

NEGATIONS: Final = frozenset(
    "not no never none nobody nothing neither nor cannot without n't don't doesn't didn't isn't aren't wasn't "
    "weren't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't".split()
)
ATTRIBUTION: Final = frozenset(
    """said say says told tells according stated states claimed claims added adds announced announces
    reported reports wrote writes insisted insists denied denies confirmed confirms alleged alleges
    argued argues warned warns tweeted posted explained explains acknowledged admitted urged urges asked asks
    replied responded""".split()
)

WORD_EDGES: Final = "\"'()[]{}.,;:!?\u201c\u201d\u2018\u2019"


def plain_words(text: str) -> list[str]:
    """The words of a run in lower case, without the punctuation around them."""
    return [word.strip(WORD_EDGES) for word in text.lower().split()]


def without_apostrophes(word: str) -> str:
    """`word` in lower case without its apostrophes, straight or curly ("Bilbrey's" is "bilbreys"): a name or word
    spelled with or without one is the same."""
    return word.lower().replace("'", "").replace("\u2019", "")
