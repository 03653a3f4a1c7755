"""Property-based tests of the alignment engine on real news sentences (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storytrace import diff, prepare
from storytrace.result import DiffResult

from .conftest import news_sentences

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
MIRROR_KIND = {"added": "deleted", "deleted": "added"}


def article(n_min: int = 3, n_max: int = 25) -> st.SearchStrategy[list[str]]:
    pool = news_sentences()
    return st.lists(st.sampled_from(pool), min_size=n_min, max_size=n_max, unique=True)


def covered_once(result: DiffResult) -> None:
    seen_a = sorted(i for link in result.links for i in link.a)
    seen_b = sorted(j for link in result.links for j in link.b)
    assert seen_a == list(range(len(result.a.sentences)))
    assert seen_b == list(range(len(result.b.sentences)))


def link_set(result: DiffResult, mirrored: bool = False) -> set[tuple[object, ...]]:
    out = set()
    for link in result.links:
        if mirrored:
            out.add((link.b, link.a, MIRROR_KIND.get(link.kind, link.kind), link.moved, tuple(link.reasons) != ()))
        else:
            out.add((link.a, link.b, link.kind, link.moved, tuple(link.reasons) != ()))
    return out


@SETTINGS
@given(article(), st.sampled_from([" ", "\n", "\n\n", "\n\n\n\n"]))
def test_diff_with_itself_is_all_unchanged(sentences: list[str], glue: str) -> None:
    text = glue.join(sentences)
    result = diff(text, text)
    assert all(link.kind == "unchanged" and not link.moved for link in result.links)
    assert len(result.links) == len(result.a.sentences) >= 1


@SETTINGS
@given(article(0, 20), article(0, 20))
def test_every_sentence_is_covered_once_and_diff_is_symmetric(first: list[str], second: list[str]) -> None:
    a, b = " ".join(first + second[:3]), " ".join(second + first[:2])
    forward, backward = diff(a, b), diff(b, a)
    covered_once(forward)
    covered_once(backward)
    assert link_set(forward) == link_set(backward, mirrored=True)


@st.composite
def edit_script(draw: st.DrawFn) -> tuple[list[str], list[str], list[tuple[str, int, int, int]]]:
    """A real article, its revision by random operations, and the links the diff must find.

    Expectations are (op, index in A, index in B, the other A sentence of a merge or B sentence of a split).
    """
    pool = news_sentences()
    sentences = draw(st.lists(st.sampled_from(pool), min_size=6, max_size=24, unique=True))
    extra = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    assume(not set(extra) & set(sentences))
    # revision: list of (text, origin in A or None, op)
    revision: list[tuple[str, int | None, str]] = [(s, i, "same") for i, s in enumerate(sentences)]
    ops = draw(
        st.lists(st.sampled_from(["edit", "split", "merge", "move", "insert", "delete"]), min_size=1, max_size=4)
    )
    touched: set[int] = set()
    deleted: set[int] = set()
    partner: dict[int, int] = {}
    tails: dict[int, str] = {}
    moved_once = False
    for op in ops:
        free = [k for k, (_, origin, kind) in enumerate(revision) if kind == "same" and origin not in touched]
        if len(free) < 3:
            break
        k = draw(st.sampled_from(free))
        text, origin, _ = revision[k]
        assert origin is not None
        if op == "edit":
            words = text.split()
            w = draw(st.integers(1, len(words) - 2))
            words[w] = words[w] + " also"
            revision[k] = (" ".join(words), origin, "edit")
        elif op == "split":
            comma = text.find(", ", len(text) // 4, 3 * len(text) // 4)
            if comma < 0 or len(text[comma + 2 :].split()) < 4:
                continue
            first, rest = text[:comma] + ".", text[comma + 2 :]
            tail = rest[0].upper() + rest[1:]
            revision[k : k + 1] = [(first, origin, "split"), (tail, None, "split-tail")]
            tails[origin] = tail
        elif op == "merge":
            if k + 1 >= len(revision) or revision[k + 1][2] != "same":
                continue
            nxt, nxt_origin, _ = revision[k + 1]
            # Merging across a deleted sentence is out of scope: partners are neighbours in A.
            if nxt_origin != origin + 1 or nxt_origin in touched:
                continue
            merged = text.rstrip(".") + "; " + nxt
            revision[k : k + 2] = [(merged, origin, "merge")]
            partner[origin] = nxt_origin
            touched.add(nxt_origin)
        elif op == "move":
            if moved_once:
                continue
            target = draw(st.integers(0, len(revision) - 1))
            if abs(target - k) < 3:
                continue
            revision.pop(k)
            revision.insert(target, (text, origin, "move"))
            moved_once = True
        elif op == "insert":
            revision.insert(k, (extra.pop() if extra else text, None, "insert") if extra else revision[k])
        elif op == "delete":
            revision.pop(k)
            deleted.add(origin)
        touched.add(origin)
    expected: list[tuple[str, int, int, int]] = []
    for j, (_, origin, kind) in enumerate(revision):
        if kind in ("edit", "move") and origin is not None:
            expected.append((kind, origin, j, -1))
        elif kind == "split" and origin is not None:
            tail_at = [t for t, _, _ in revision].index(tails[origin])
            expected.append((kind, origin, j, tail_at))
        elif kind == "merge" and origin is not None:
            expected.append((kind, origin, j, partner[origin]))
        elif kind == "insert":
            expected.append(("insert", -1, j, -1))
    expected.extend(("delete", i, -1, -1) for i in sorted(deleted))
    return sentences, [t for t, _, _ in revision], expected


@SETTINGS
@given(edit_script())
def test_edit_scripts_are_recovered(script: tuple[list[str], list[str], list[tuple[str, int, int, int]]]) -> None:
    original, revised, expected = script
    result = diff(" ".join(original), " ".join(revised))
    # Real sentences can run together when joined (an open quotation): only judge scripts that segment back.
    texts_a = [result.a.sentence_text(i) for i in range(len(result.a.sentences))]
    texts_b = [result.b.sentence_text(j) for j in range(len(result.b.sentences))]
    assume(texts_a == original and texts_b == revised)
    by_a = {i: link for link in result.links for i in link.a}
    by_b = {j: link for link in result.links for j in link.b}
    for op, i, j, other in expected:
        if op == "edit":
            assert by_a[i].b == (j,) and by_a[i].kind in ("minor", "substantive"), (op, by_a[i])
        elif op == "split":
            assert by_a[i].b == (j, other), (op, by_a[i])
        elif op == "merge":
            assert by_b[j].a == (i, other), (op, by_b[j])
        elif op == "move":
            # Once deletions bring it next to its old neighbour, either of the two may be the one that moved.
            assert by_a[i].b == (j,) and by_a[i].kind == "unchanged", (op, by_a[i])
        elif op == "insert":
            assert by_b[j].kind == "added", (op, by_b[j])
        elif op == "delete":
            assert by_a[i].kind == "deleted", (op, by_a[i])
    moved = [link for link in result.links if link.moved]
    assert len(moved) <= sum(op == "move" for op, *_ in expected)
    in_place = sorted((link.a[0], link.b[0]) for link in result.links if link.a and link.b and not link.moved)
    assert all(x[1] < y[1] for x, y in zip(in_place, in_place[1:], strict=False)), "links not moved must not cross"


def test_no_merge_across_paragraphs() -> None:
    # A rewritten headline is its own paragraph: it must not be read as merged into the first sentence below it.
    old = "Fire at harbour warehouse halts ferry services\n\nA fire broke out in a warehouse and ferry services " \
          "were suspended while crews fought the blaze.\n\nNobody was hurt."
    new = "Harbour warehouse fire: inquiry opened\n\nA fire broke out in a warehouse at the harbour and ferry " \
          "services were suspended while crews fought the blaze.\n\nNobody was hurt."
    links = diff(old, new).links
    assert all(len(link.a) <= 1 and len(link.b) <= 1 for link in links)
    assert [(link.a, link.b) for link in links if link.a and link.b][-2:] == [((1,), (1,)), ((2,), (2,))]


def test_one_shared_word_does_not_link_unrelated_sentences() -> None:
    # "hard" is the only content word the middle sentences share: that is no evidence that one became the other.
    links = diff(
        "The council met on Monday. It was hard to say. Prices rose.",
        "The council met on Monday. The winter was hard on farmers. Prices rose.",
    ).links
    assert [(link.a, link.b, link.kind) for link in links][1:3] == [((1,), (), "deleted"), ((), (1,), "added")]
    # Between two very short sentences one shared word is the whole sentence, and they still link.
    short = diff("The council met. He resigned. Prices rose.", "The council met. He resigned on Monday. Prices rose.")
    assert [(link.a, link.b) for link in short.links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(news_sentences()), min_size=1, max_size=8), min_size=3, max_size=5))
def test_prepared_versions_diff_as_texts_do(chain: list[list[str]]) -> None:
    # A chain of versions, each prepared once and diffed against the one before and the one after it.
    texts = [" ".join(version) for version in chain]
    ready = [prepare(text) for text in texts]
    for k in range(len(texts) - 1):
        as_texts = diff(texts[k], texts[k + 1], label_a="A", label_b="A")
        assert diff(ready[k], ready[k + 1]).to_dict() == as_texts.to_dict()


def test_an_edited_sentence_does_not_absorb_a_deleted_neighbour() -> None:
    # The deleted sentence only repeats words of its edited neighbour: that is a deletion, not a 2:1 merge.
    old = (
        "Crews were called on Monday. The fire started at 9 p.m. in a warehouse near the harbour. "
        "The warehouse was near the harbour. Nobody was hurt."
    )
    new = "Crews were called on Monday. The fire started at 10 p.m. in a warehouse near the harbour. Nobody was hurt."
    links = [(link.a, link.b, link.kind) for link in diff(old, new).links]
    assert links[1:3] == [((1,), (1,), "substantive"), ((2,), (), "deleted")]


def test_a_short_sentence_extended_by_a_clause_stays_linked() -> None:
    old = "Police named the victim on Monday. She was 61. Her family paid tribute."
    new = (
        "Police named the victim on Monday. She was 61, and had lived in the town for forty years with her husband. "
        "Her family paid tribute."
    )
    links = diff(old, new).links
    assert [(link.a, link.b, link.kind) for link in links] == [
        ((0,), (0,), "unchanged"),
        ((1,), (1,), "substantive"),
        ((2,), (2,), "unchanged"),
    ]
    assert any(reason.startswith("new claim: lived town") for reason in links[1].reasons)


def test_composed_and_decomposed_accents_compare_equal() -> None:
    import unicodedata

    composed = "The caf\u00e9 in Z\u00fcrich closed on Monday. Prices rose."
    decomposed = unicodedata.normalize("NFD", composed)
    result = diff(composed, decomposed)
    assert [link.kind for link in result.links] == ["unchanged", "unchanged"]
    b = result.to_dict()["versions"][1]
    assert b["text"] == decomposed and b["text"][b["sentences"][0]["start"] : b["sentences"][0]["end"]].endswith(".")


def test_a_split_by_punctuation_alone_is_a_split_even_without_new_content_words() -> None:
    """The tail repeats the head's only content word ("manager"), but the words are the same: a split, both ways."""
    whole = "The general manager isn't going anywhere, nor is the manager."
    pieces = "The general manager isn't going anywhere. Nor is the manager."
    assert [(link.a, link.b, link.kind) for link in diff(whole, pieces).links] == [((0,), (0, 1), "minor")]
    assert [(link.a, link.b, link.kind) for link in diff(pieces, whole).links] == [((0, 1), (0,), "minor")]


def test_stems_join_inflections_of_one_content_word() -> None:
    from storytrace.align.features import stem

    for forms in (("service", "services"), ("leave", "leaving"), ("change", "changes", "changed"), ("boat", "boats")):
        assert len({stem(word) for word in forms}) == 1, forms
    assert stem("fire") != stem("free")


def test_a_repeated_sentence_pairs_in_order_of_occurrence() -> None:
    """Occurrences of a repeated sentence link in reading order; an occurrence with no partner is added or deleted.
    Both ways round: B repeating nothing (A does), and B repeating a sentence."""
    said, other, third = "He said no.", "The vote was held on Monday.", "Nobody came to the hall."
    twice_in_a = diff(f"{said} {other} {said}", f"{said} {third}")
    kinds = [(link.a, link.b, link.kind) for link in twice_in_a.links]
    assert ((0,), (0,), "unchanged") in kinds and ((2,), (), "deleted") in kinds
    twice_in_b = diff(f"{said} {other}", f"{third} {said} {other} {said}")
    kinds = [(link.a, link.b, link.kind) for link in twice_in_b.links]
    assert ((0,), (1,), "unchanged") in kinds and ((), (3,), "added") in kinds


def test_repeated_sentences_edited_in_place_are_edits_not_moves() -> None:
    """A text that repeats its sentences, some occurrences edited: each edit links to its own occurrence and nothing
    is marked moved (pairing the k-th occurrence with the k-th shifted every later one across the others)."""
    a = "Wait for the vote. Then the count follows. " * 300
    b = a.replace("Then the count", "Than the count", 40)
    for result, edited in ((diff(a, b), "Than"), (diff(b, a), "Then")):
        summary = result.to_dict()["summary"]
        assert (summary["moved"], summary["added"], summary["deleted"], summary["unchanged"]) == (0, 0, 0, 560)
        changed = [link for link in result.links if link.kind in ("minor", "substantive")]
        assert len(changed) == 40 and all(link.a == link.b == (2 * k + 1,) for k, link in enumerate(changed))
        assert all(result.b.sentence_text(link.b[0]).startswith(edited) for link in changed)


def test_longest_common_pairs_is_a_longest_common_subsequence_or_none_past_the_bound() -> None:
    from storytrace.align.pairwise import longest_common_pairs

    assert longest_common_pairs([0, 1, 2, 1, 0], [1, 0, 1, 2, 0], 10) == [(0, 1), (1, 2), (2, 3), (4, 4)]
    assert longest_common_pairs([0, 1], [1, 0], 1) is None  # two edits needed
    assert longest_common_pairs([], [3, 3], 2) == []
