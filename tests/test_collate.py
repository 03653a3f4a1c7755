"""collate: units across many versions, their history, flags and provenance (API level)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace import Version, collate, diff
from storytrace.collation.result import Collation
from storytrace.errors import InputError
from storytrace.text.read import read_source

from .conftest import FOUNDING_A, FOUNDING_B, SCHEMA_DIR, news_sentences

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40)


def founding(outlets: tuple[str | None, str | None] = (None, None)) -> Collation:
    a, b = read_source(str(FOUNDING_A)), read_source(str(FOUNDING_B))
    return collate([Version(a.text, "000", outlets[0]), Version(b.text, "001", outlets[1])])


def carried_by(result: Collation) -> list[tuple[int, ...]]:
    return [tuple(sorted(u.sentences)) for u in result.units]


def test_founding_example_has_eight_shared_and_sixteen_single_version_units() -> None:
    result = founding(("BBC", "Rewrite Daily"))
    carriers = carried_by(result)
    assert carriers.count((0, 1)) == 8
    assert carriers.count((0,)) == 9 and carriers.count((1,)) == 7
    assert len(result.units) == 24
    shared = [u for u in result.units if len(u.sentences) == 2]
    assert [u.sentences for u in shared] == [{0: (i,), 1: (i,)} for i in range(8)]
    single = [u for u in result.units if len(u.sentences) == 1]
    assert all(u.flags == ("single_source",) for u in single)
    assert all(u.support == 2 and "single_source" not in u.flags for u in shared)
    assert [c.kind for u in shared for c in u.changes].count("minor") == 2


def test_founding_example_without_outlets_reads_as_revisions() -> None:
    result = founding()
    # Unknown sources count separately, so the invented endings are still single-source; read as one story's
    # revisions, the first copy's nine endings were dropped by the second.
    only_first = [u for u in result.units if tuple(u.sentences) == (0,)]
    assert len(only_first) == 9 and all(set(u.flags) == {"single_source", "dropped"} for u in only_first)
    only_second = [u for u in result.units if tuple(u.sentences) == (1,)]
    assert all(u.flags == ("single_source",) and u.first == 1 for u in only_second)


def test_provenance_credits_every_sentence_to_its_earliest_carrier() -> None:
    document = founding().to_dict()
    for v, version in enumerate(document["versions"]):
        for s, sentence in enumerate(version["sentences"]):
            unit = document["units"][sentence["unit"]]
            assert s in unit["sentences"][str(v)]
            assert sentence["first"] == unit["first"]
    firsts = [s["first"] for s in document["versions"][1]["sentences"]]
    assert firsts == [0] * 8 + [1] * 7


def test_document_follows_the_schema() -> None:
    schema = json.loads((SCHEMA_DIR / "collation.schema.json").read_text(encoding="utf-8"))
    document = revisions_with_history().to_dict()
    jsonschema.validate(document, schema)
    jsonschema.validate(founding(("a", "b")).to_dict(), schema)
    assert document["schema"] == "storytrace.collation/1"
    json.dumps(document)  # plain JSON all the way down


def revisions_with_history() -> Collation:
    """Four revisions of one story, given out of time order: an edit of fact, a drop, a restore."""
    s = list(news_sentences()[:8])
    v1 = s[:6]
    v2 = s[:2] + [s[2].replace(s[2].split()[-1], "elsewhere.")] + s[4:6]  # s[3] removed, s[2] edited
    v3 = v2 + [s[6]]
    v4 = s[:2] + [v2[2], s[3]] + s[4:7]  # s[3] restored
    texts = [" ".join(v) for v in (v1, v2, v3, v4)]
    times = ["2024-03-01T08:00:00Z", "2024-03-01T09:00:00+00:00", "2024-03-01T12:00", "2024-03-02"]
    given_order = [2, 0, 3, 1]
    return collate([Version(texts[k], f"v{k + 1}", "Paper", times[k]) for k in given_order])


def test_history_follows_time_not_input_order() -> None:
    result = revisions_with_history()
    labels = [result.documents[v].label for v in result.order]
    assert labels == ["v1", "v2", "v3", "v4"]
    by_label = {d.label: i for i, d in enumerate(result.documents)}
    first_sentence = result.units[0]
    assert first_sentence.first == by_label["v1"] and first_sentence.last == by_label["v4"]
    assert [c.kind for c in first_sentence.changes] == ["unchanged"] * 3
    restored = [u for u in result.units if "restored" in u.flags]
    assert len(restored) == 1
    assert sorted(result.documents[v].label for v in restored[0].sentences) == ["v1", "v4"]
    assert "dropped" not in restored[0].flags
    added_late = [u for u in result.units if u.first == by_label["v3"]]
    assert len(added_late) == 1 and added_late[0].last == by_label["v4"]


def test_a_changed_fact_is_flagged_with_its_reason() -> None:
    s = list(news_sentences()[:5])
    before = "The fire destroyed 12 boats in the harbour on Monday, officials said."
    after = "The fire destroyed 15 boats in the harbour on Monday, officials said."
    result = collate([" ".join([*s, before]), " ".join([*s, after]), " ".join([*s, after])])
    changed = [u for u in result.units if "changed_fact" in u.flags]
    assert len(changed) == 1
    kinds = [(c.source, c.target, c.kind) for c in changed[0].changes]
    assert kinds == [(0, 1, "substantive"), (1, 2, "unchanged")]
    assert changed[0].changes[0].reasons == ("number 12 → 15",)
    run_texts = {r.op: r.text.strip() for r in changed[0].changes[0].diff if r.op != "equal"}
    assert run_texts == {"delete": "12", "insert": "15"}
    timeline = {row["version"]: row for row in result.timeline()}
    assert (timeline[1]["changed"], timeline[1]["substantive"]) == (1, 1)
    assert timeline[0]["added"] == len(s) + 1 and timeline[1]["added"] == 0


def test_a_change_reads_as_the_diff_reads_it_inside_a_quotation() -> None:
    """collate is told, as diff is, where a quotation opened in an earlier sentence closes: the narration after it
    is narration, the words before it quoted words."""
    lead = " ".join(news_sentences()[:4])
    quoted = '"We will not raise taxes. The budget is balanced," the mayor said on Tuesday.'
    for after in ('"We will not raise taxes. The budget is balanced," the mayor said Tuesday.',
                  '"We will not raise taxes. The budget is nearly balanced," the mayor said on Tuesday.'):
        a, b = f"{lead}\n\n{quoted}", f"{lead}\n\n{after}"
        (link,) = [link for link in diff(a, b).links if link.kind != "unchanged"]
        (change,) = [c for u in collate([a, b]).units for c in u.changes if c.kind != "unchanged"]
        assert (change.kind, change.reasons) == (link.kind, link.reasons)
        assert link.kind == ("minor" if "Tuesday." in after and "on Tuesday" not in after else "substantive")


def test_dropped_and_timeline_counts() -> None:
    s = list(news_sentences()[10:16])
    result = collate([" ".join(s), " ".join(s[:4]), " ".join(s[:4] + [news_sentences()[30]])])
    dropped = [u for u in result.units if "dropped" in u.flags]
    assert sorted(u.sentences[0][0] for u in dropped) == [4, 5]
    rows = result.timeline()
    assert [(r["carried"], r["added"], r["dropped"]) for r in rows] == [(6, 6, 0), (4, 0, 2), (5, 1, 0)]


def test_split_sentence_shares_its_unit() -> None:
    s = list(news_sentences()[40:46])
    whole = "The council approved the budget on Tuesday, and the mayor said the new library would open in June."
    halves = "The council approved the budget on Tuesday. The mayor said the new library would open in June."
    result = collate([" ".join([*s[:3], whole, *s[3:]]), " ".join([*s[:3], halves, *s[3:]])])
    split = [u for u in result.units if len(u.sentences.get(1, ())) == 2]
    assert len(split) == 1 and split[0].sentences == {0: (3,), 1: (3, 4)}
    assert len(result.units) == len(s) + 1


def test_short_restored_sentence_rejoins_its_unit() -> None:
    # v2 drops "She resigned." and v3 brings it back reworded; the spanning tree aligns v1 with v2 and v2 with v3
    # only, so the two carriers meet only through the restored-unit pass, on their single content word.
    a, b, c = "The council met on Monday.", "Prices rose across the county.", "Farmers asked for help with feed."
    d, e = "The mayor will visit next week.", "Schools stay open."
    result = collate(
        [
            Version(f"{a} She resigned. {b} {c}", label="v1"),
            Version(f"{a} {b} {c} {d}", label="v2"),
            Version(f"{a} She resigned! {b} {c} {d} {e}", label="v3"),
        ]
    ).to_dict()
    assert {"0": [1], "2": [1]} in [unit["sentences"] for unit in result["units"]]


def test_a_statement_moved_by_its_outlet_is_flagged() -> None:
    pool = news_sentences()[:6]
    moved_order = [pool[0], pool[1], pool[5], pool[2], pool[3], pool[4]]  # the last sentence is now third
    result = collate(
        [
            Version(" ".join(pool), label="v1", outlet="wire"),
            Version(" ".join(moved_order), label="v2", outlet="wire"),
            Version(" ".join(pool), label="copy", outlet="daily"),  # another outlet keeps the first order
        ]
    )
    flagged = [unit.sentences for unit in result.units if "moved" in unit.flags]
    assert flagged == [{0: (5,), 1: (2,), 2: (5,)}]
    assert result.summary()["moved"] == 1


def test_bad_time_is_a_clear_input_error() -> None:
    with pytest.raises(InputError, match="not ISO 8601"):
        collate([Version("One sentence here.", "a", time="yesterday"), Version("Another one.", "b")])


# --- properties -------------------------------------------------------------------------------------------


@st.composite
def story_versions(draw: st.DrawFn) -> list[str]:
    """A few versions of one story: revisions that drop, add, reorder and edit real news sentences."""
    pool = news_sentences()
    base = draw(st.lists(st.sampled_from(pool), min_size=3, max_size=12, unique=True))
    extra = [s for s in draw(st.lists(st.sampled_from(pool), max_size=6, unique=True)) if s not in base]
    versions = []
    for _ in range(draw(st.integers(2, 5))):
        current = [s for s in base if draw(st.integers(0, 4))]  # each sentence kept 4 times in 5
        for s in extra:
            if draw(st.booleans()):
                current.insert(draw(st.integers(0, len(current))), s)
        if current and draw(st.booleans()):
            k = draw(st.integers(0, len(current) - 1))
            words = current[k].split()
            words[len(words) // 2] = draw(st.sampled_from(["never", "42", "Paris", "reportedly"]))
            current[k] = " ".join(words)
        versions.append(" ".join(current) or base[0])
    return versions


def unit_sets(result: Collation, original_index: list[int]) -> set[frozenset[tuple[int, int]]]:
    return {
        frozenset((original_index[v], s) for v, ss in u.sentences.items() for s in ss) for u in result.units
    }


def every_sentence_once(result: Collation) -> None:
    seen = sorted((v, s) for u in result.units for v, ss in u.sentences.items() for s in ss)
    assert seen == [(v, s) for v, d in enumerate(result.documents) for s in range(len(d.sentences))]


@SETTINGS
@given(story_versions(), st.randoms(use_true_random=False))
def test_units_do_not_depend_on_input_order(versions: list[str], rng: object) -> None:
    permutation = list(range(len(versions)))
    rng.shuffle(permutation)  # type: ignore[attr-defined]
    straight = collate(versions)
    shuffled = collate([versions[k] for k in permutation])
    every_sentence_once(straight)
    every_sentence_once(shuffled)
    assert unit_sets(straight, list(range(len(versions)))) == unit_sets(shuffled, permutation)


@SETTINGS
@given(story_versions())
def test_collate_of_two_versions_agrees_with_diff(versions: list[str]) -> None:
    a, b = versions[0], versions[1]
    result = collate([a, b])
    links = diff(a, b).links
    from_diff = {(link.a, link.b, link.kind if link.a and link.b else "single") for link in links}
    from_collate = set()
    for u in result.units:
        kind = u.changes[0].kind if u.changes else "single"
        from_collate.add((u.sentences.get(0, ()), u.sentences.get(1, ()), kind))
    assert from_collate == from_diff


@SETTINGS
@given(story_versions())
def test_units_are_consistent_and_history_is_ordered(versions: list[str]) -> None:
    result = collate(versions)
    every_sentence_once(result)
    for u in result.units:
        carriers = sorted(u.sentences, key=result.order.index)
        assert (u.first, u.last) == (carriers[0], carriers[-1])
        assert [(c.source, c.target) for c in u.changes] == list(zip(carriers, carriers[1:], strict=False))
        assert u.support == len(carriers)  # no outlets given: each version is its own source
