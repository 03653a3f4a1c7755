"""Minor vs substantive, and the reasons given in plain words."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.classify import classify
from storytrace.options import DiffOptions
from storytrace.rules.verdict import Run

from .test_classify_native import classified_pairs

OPTIONS = DiffOptions()


@pytest.mark.parametrize(
    ("a", "b", "kind", "reason"),
    [
        ("About 40 firefighters attended.", "About 60 firefighters attended.", "substantive", "number 40 → 60"),
        ("The vote is on Monday.", "The vote is on Tuesday.", "substantive", "date Monday → Tuesday"),
        ("The report was written by Ann Cole.", "The report was written by Ben Hart.", "substantive", "name"),
        ("The mayor will attend the vote.", "The mayor will not attend the vote.", "substantive", "negation added"),
        (
            'She said "we will rebuild the pier".',
            'She said "we will repair the pier".',
            "substantive",
            "words of a quotation changed",
        ),
        (
            "The bridge reopened.",
            "The bridge reopened after repairs costing far more than planned.",
            "substantive",
            "new claim",
        ),
        (
            "The bridge reopened after repairs costing far more than planned.",
            "The bridge reopened.",
            "substantive",
            "words removed",
        ),
        ("The council met, and agreed.", "The council met and agreed.", "minor", "punctuation"),
        ("New taxi-boats arrived.", "New taxi boats arrived.", "minor", "hyphenation or spacing"),
        # (several hyphens at once, and a hyphenated number: read by the token rules as a new claim and a new number)
        ("A well-known firm hired a long-time aide.", "A well known firm hired a long time aide.", "minor",
         "hyphenation or spacing"),
        ("The 23-year-old driver was held.", "The 23-year old driver was held.", "minor", "hyphenation or spacing"),
        ("The well\u2010known firm hired a long\u2011time aide.", "The well known firm hired a long time aide.",
         "minor", "hyphenation or spacing"),
        ("The 12-15 May talks failed.", "The 1215 May talks failed.", "substantive", "number 12-15 → 1215"),
        # (a title before a name names nobody new)
        ("The talks with Mr Sarkozy ended.", "The talks with Sarkozy ended.", "minor", "wording Mr → (removed)"),
        ("The talks with Mr Sarkozy ended.", "The talks with Mr Hollande ended.", "substantive",
         "name Sarkozy → Hollande"),
        # (an acronym with or without full stops names the same thing)
        ("Trade with the UK fell.", "Trade with the U.K. fell.", "minor", "acronym written differently"),
        ("Officials in the US said so.", "Officials in the U.S. said so.", "minor", "acronym written differently"),
        ("Trade with the UK fell.", "Trade with the U.S. fell.", "substantive", "name UK → U.S"),
        # ("may" and "march" are months only with a capital)
        ("The council may approve the plan.", "The council might approve the plan.", "minor", "wording may → might"),
        ("Protesters will march to the hall.", "Protesters will walk to the hall.", "minor", "wording march → walk"),
        ("The vote is set for May 4.", "The vote is set for June 4.", "substantive", "date May → June"),
        # (a number written another way is the same number; another value is not)
        ("The ferry left at 0200 on Friday.", "The ferry left at 02:00 on Friday.", "minor",
         "number written differently"),
        ("About 1,200 people came.", "About 1200 people came.", "minor", "number written differently"),
        ("Fares rose 3.5% last year.", "Fares rose 3.5 percent last year.", "minor", "number written differently"),
        ("The fire started at 9 a.m. on Monday.", "The fire started at 9am on Monday.", "minor",
         "number written differently"),
        ("The crew of 12 was rescued.", "The crew of twelve was rescued.", "minor", "number written differently"),
        ("It was the 11th attempt.", "It was the eleventh attempt.", "minor", "number written differently"),
        ("The crew of 12 was rescued.", "The crew of eleven was rescued.", "substantive", "number 12 → eleven"),
        ("About 1,200 people came.", "About 1,300 people came.", "substantive", "number 1,200 → 1,300"),
        ("The fire started at 9 a.m. on Monday.", "The fire started at 9pm on Monday.", "substantive", "number"),
        ("Officials quickly closed the road.", "Officials closed the road quickly.", "minor", "word order"),
        # (a number bounded another way is another figure; the same kind of bound in other words is not)
        ("Up to 30 people were hurt.", "More than 30 people were hurt.", "substantive",
         "number bound Up to → More than"),
        ("At least 30 people were hurt.", "Nearly 30 people were hurt.", "substantive", "number bound"),
        ("30 people came.", "More than 30 people came.", "substantive", "number bound added: More than"),
        ("About 30 people came.", "Around 30 people came.", "minor", "wording"),
        ("Over 30 people came.", "More than 30 people came.", "minor", "wording"),
        ("30 people came.", "About 30 people came.", "minor", "wording added: About"),
        ("They met under the bridge.", "They met below the bridge.", "minor", "wording"),
        # (how many, and how sure)
        ("Most residents were evacuated.", "Some residents were evacuated.", "substantive", "quantity Most → Some"),
        ("All flights were cancelled.", "Many flights were cancelled.", "substantive", "quantity All → Many"),
        ("The company will cut 200 jobs.", "The company may cut 200 jobs.", "substantive", "certainty will → may"),
        ("Officials said the toll could rise.", "Officials said the toll would rise.", "substantive",
         "certainty could → would"),
        ("It could take years.", "It might take years.", "minor", "wording could → might"),
        ("The fire was started deliberately.", "The fire was started accidentally.", "substantive",
         "opposite meaning: deliberately → accidentally"),
        ("Shares fell in early trading.", "Shares fell in late trading.", "substantive", "opposite meaning"),
        ("The suspect is a 20-year-old man.", "The suspect is a 20-year-old woman.", "substantive",
         "opposite meaning: man → woman"),
        # (the source a statement is credited to; a season; "per cent" is "percent")
        ("The fire was arson, according to police.", "The fire was arson, according to witnesses.", "substantive",
         "attribution changed: police → witnesses"),
        ("The bridge will reopen in the spring.", "The bridge will reopen in the autumn.", "substantive",
         "date spring → autumn"),
        ("Turnout was 60 percent.", "Turnout was 60 per cent.", "minor", "number written differently"),
        ("Our model comprises of 4 components.", "It comprises four components.", "minor",
         "number written differently"),
        ("Fares at 3.5 were cut.", "Fares were at 35.", "substantive", "number 3.5 → 35"),
        ("The storm hit the coast hard.", "The storm struck the coast hard.", "minor", "wording hit → struck"),
    ],
)
def test_kind_and_reason(a: str, b: str, kind: str, reason: str) -> None:
    result = classify(a, b, OPTIONS)
    assert result.kind == kind
    assert any(r.startswith(reason) for r in result.reasons), result.reasons


def test_style_only_differences_are_unchanged() -> None:
    a = "The \u201cnew\u201d plan \u2013 agreed on Monday \u2013 takes effect."
    b = 'THE "new"  plan - agreed on monday - takes effect.'
    assert classify(a, b, OPTIONS).kind == "unchanged"


def test_classification_mirrors() -> None:
    pairs = [
        ("About 40 firefighters attended.", "About firefighters attended."),
        ("The bridge reopened.", "The bridge reopened after repairs costing far more than planned."),
        ("The mayor will attend.", "The mayor will not attend."),
    ]
    for a, b in pairs:
        assert classify(a, b, OPTIONS).kind == classify(b, a, OPTIONS).kind


def test_removals_can_be_minor() -> None:
    options = DiffOptions(removals_are_substantive=False)
    result = classify("About 40 firefighters attended.", "About firefighters attended.", options)
    assert result.kind == "minor" and result.reasons == ("number removed: 40",)


def test_a_name_of_several_words_is_one_name_in_the_reasons() -> None:
    changed = classify("She studied at NYU before the move.", "She studied at Columbia University before the move.",
                       OPTIONS)
    assert changed.reasons == ("name NYU → Columbia University",)
    swapped = classify("Prime Minister Ann Lee spoke at Harbour Hall.", "Prime Minister Tom Ray spoke at Harbour Hall.",
                       OPTIONS)
    assert swapped.reasons == ("name Ann Lee → Tom Ray",)
    removed = classify("The talks with Mayor Ann Lee ended.", "The talks ended.", OPTIONS)
    assert removed.reasons[0] == "name removed: Mayor Ann Lee"
    # ("States" in "United States" is a name, not a verb of saying: no "attribution removed"; and "US" its initials)
    states = classify("Trade with the United States fell.", "Trade with the US fell.", OPTIONS)
    assert (states.kind, states.reasons) == ("minor", ("name abbreviated: United States ↔ US",))


def test_reasons_read_as_plain_words() -> None:
    changed = classify("The ferry left at 9.", "The ferry left at 10.", OPTIONS)
    added = classify("The ferry left.", "The ferry left on Wednesday.", OPTIONS)
    assert changed.reasons[0] == "number 9 → 10"
    assert added.reasons[0] == "date added: Wednesday"


def test_word_diff_runs_rebuild_both_texts() -> None:
    a, b = "Fire crews fought a blaze on Tuesday night.", "Fire crews fought a large blaze on Wednesday."
    runs = classify(a, b, OPTIONS).diff
    assert "".join(r.text for r in runs if r.op != "insert").split() == a.split()
    assert "".join(r.text for r in runs if r.op != "delete").split() == b.split()
    for r in runs:
        if r.op != "insert":
            assert a[r.a_start : r.a_end] == r.text.strip()


def test_accents_composed_and_sharp_s_folded_in_one_sentence_keep_the_word_diff_aligned() -> None:
    # "ß" folds to two letters and "e" + combining accent composes to one: equal lengths, shifted offsets.
    a = "Die Straße ist seit Montag gesperrt, sagte der Wirt im Cafe\u0301 Central."
    b = unicodedata.normalize("NFC", a)[:-1] + " am Abend."
    c = classify(a, b, DiffOptions())
    assert c.kind == "substantive"
    assert not any(r.startswith(("new claim", "words removed")) and "Straße" in r for r in c.reasons)
    changed = " ".join(run.text for run in c.diff if run.op != "equal")
    assert "am Abend" in changed and "Straße" not in changed and "Montag" not in changed


@pytest.mark.parametrize(
    ("a", "b", "reasons"),
    [
        ("Police said the driver was drunk.", "Witnesses said the driver was drunk.",
         ("attribution changed: Police → Witnesses",)),
        ("The driver was drunk, police said.", "The driver was drunk, witnesses said.",
         ("attribution changed: police → witnesses",)),
        ("The plan will work, said the mayor.", "The plan will work, said the governor.",
         ("attribution changed: mayor → governor",)),
        ("The suspect allegedly stole the car.", "The suspect stole the car.", ("hedge removed: allegedly",)),
        ("The roof had partly collapsed.", "The roof had collapsed.", ("degree removed: partly",)),
        ("Sales rose in May.", "Sales rose slightly in May.", ("degree added: slightly",)),
        ("The mayor said the road would reopen.", "The mayor denied the road would reopen.",
         ("attribution changed: said → denied",)),
        ("The fine was £40,000 last year.", "The fine was $40,000 last year.", ("unit £ → $",)),
        ("The race covers 5 km of road.", "The race covers 5 miles of road.", ("unit km → miles",)),
        ("The jury acquitted the former mayor on Friday.", "The jury convicted the former mayor on Friday.",
         ("opposite meaning: acquitted → convicted",)),
        ("Shares rose sharply in early trading.", "Shares fell sharply in early trading.",
         ("opposite meaning: rose → fell",)),
        ("The senator will vote for the bill.", "The senator will vote against the bill.",
         ("opposite meaning: for → against",)),
        ("She finished third, behind the mayor.", "She finished third, ahead of the mayor.",
         ("opposite meaning: behind → ahead",)),
        ("The party is trailing in the polls.", "The party is leading in the polls.",
         ("opposite meaning: trailing → leading",)),
    ],
)
def test_facts_the_word_rules_missed_make_a_change_substantive(a: str, b: str, reasons: tuple[str, ...]) -> None:
    """Who is credited, how sure the text is, a word turned into its opposite and a quantity's unit are facts,
    though no name, number or negation changed; each direction alike (diff(B, A) mirrors diff(A, B))."""
    from storytrace import diff as run_diff

    (link,) = run_diff(a, b).links
    assert (link.kind, link.reasons) == ("substantive", reasons)
    (back,) = run_diff(b, a).links
    assert back.kind == "substantive"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Police said the driver was drunk.", "Police also said the driver was drunk."),  # nobody else credited
        ("He said prices rose sharply.", "He said costs rose sharply."),  # what was said, not who said it
        ("She urged the council to act.", "She told the council to act."),  # (was "attribution added")
        ("The mayor said the road would reopen.", "The mayor stated the road would reopen."),
        ("The race covers 5 km of road.", "The race covers 5 km of track."),
        ("The storm moved up the coast overnight.", "The storm moved along the coast overnight."),
        ("Shares rose sharply in early trading.", "Shares climbed sharply in early trading."),  # the same direction
        ("The economy grew more slowly than expected.", "The economy grew less quickly than expected."),  # turned twice
        ("She was the first to arrive and the last to leave.", "She was the last to leave and the first to arrive."),
        # opposites that move with their clauses
        ("Sales rose in the north and fell in the south.", "Sales fell in the south and rose in the north."),
        ("Exports rose while imports fell.", "Imports fell while exports rose."),
        ("The first and last trains were cancelled.", "The last and first trains were cancelled."),
    ],
)
def test_wording_near_a_speaker_or_a_unit_stays_minor(a: str, b: str) -> None:
    from storytrace import diff as run_diff

    (link,) = run_diff(a, b).links
    assert link.kind == "minor", link.reasons


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("The United States said it would send aid.", "The US said it would send aid.",
         "name abbreviated: United States ↔ US"),
        ("The Department of Justice opened an inquiry.", "The DOJ opened an inquiry.",
         "name abbreviated: Department of Justice ↔ DOJ"),
        ("Officials in New York City said the roads were closed.", "Officials in NYC said the roads were closed.",
         "name abbreviated: New York City ↔ NYC"),
        ("The United States and the United Kingdom signed the deal.", "The US and the UK signed the deal.",
         "name abbreviated: United States ↔ US, United Kingdom ↔ UK"),
        # a name that opens the sentence; names with small words; initials that are also a word
        ("United States officials said the talks would resume.", "US officials said the talks would resume.",
         "name abbreviated: United States ↔ US"),
        ("The Department of Justice and the Federal Bureau of Investigation opened an inquiry.",
         "The DOJ and the FBI opened an inquiry.",
         "name abbreviated: Department of Justice ↔ DOJ, Federal Bureau of Investigation ↔ FBI"),
        ("The World Health Organization said cases rose.", "The WHO said cases rose.",
         "name abbreviated: World Health Organization ↔ WHO"),
    ],
)
def test_a_name_and_its_initials_are_the_same_name(a: str, b: str, reason: str) -> None:
    """Initials for a name of several words change no fact (and "United States said" is no new speaker); in
    either direction."""
    from storytrace import diff as run_diff

    for old, new in ((a, b), (b, a)):
        (link,) = run_diff(old, new).links
        assert (link.kind, link.reasons) == ("minor", (reason,))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The United Nations said it would send aid.", "The US said it would send aid."),  # other initials
        ("The United States said it would send 12 planes.", "The US said it would send 15 planes."),  # a number too
        ("The European Union will meet on Monday.", "The EU will not meet on Monday."),  # a negation too
        ("United States officials said the talks would resume.", "UK officials said the talks would resume."),
        ("The World Health Organization said cases rose.", "The WHO said cases fell."),  # an opposite too
        ("The united states said it would send aid.", "The US said it would send aid."),  # not a name
    ],
)
def test_initials_do_not_hide_another_change(a: str, b: str) -> None:
    from storytrace import diff as run_diff

    (link,) = run_diff(a, b).links
    assert link.kind == "substantive", link.reasons


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        # a quotation opened in the sentence before: the changed words are quoted
        ('"We will not raise taxes. The budget is balanced," the mayor said.',
         '"We will not raise taxes. The budget is well balanced," the mayor said.', "substantive"),
        ('The mayor said: "We will not raise taxes. The budget is in good shape. Our reserves are full."',
         'The mayor said: "We will not raise taxes. The budget is in decent shape. Our reserves are full."',
         "substantive"),
        # typographic marks nest: the inner quotation's words are quoted too
        ("He said: \u00ab Nous partons. Il a dit \u201coui\u201d hier \u00bb, a-t-il dit.",
         "He said: \u00ab Nous partons. Il a dit \u201cnon\u201d hier \u00bb, a-t-il dit.", "substantive"),
        # the narration after the mark that closes a quotation opened before the sentence is not quoted
        ('"We will not raise taxes. The budget is balanced," the mayor said on Tuesday.',
         '"We will not raise taxes. The budget is balanced," the mayor said Tuesday.', "minor"),
        ("\u201cWe will not raise taxes. The budget is balanced,\u201d the mayor told reporters.",
         "\u201cWe will not raise taxes. The budget is balanced,\u201d the mayor told journalists.", "minor"),
        # a quotation carried on into the next paragraph, news style: left open, opened again there
        ('The mayor said: "We will not raise taxes. The budget is balanced.\n\n"Our reserves are full," she said.',
         'The mayor said: "We will not raise taxes. The budget is well balanced.\n\n"Our reserves are full," she '
         'said.', "substantive"),
        ("He said: \u201cWe will not raise taxes. The budget is balanced.\n\n\u201cOur reserves are full.\u201d",
         "He said: \u201cWe will not raise taxes. The budget is well balanced.\n\n\u201cOur reserves are full.\u201d",
         "substantive"),
        # a mark left open that is no opening one is a stray, whatever follows
        ('The 6" pipe burst on Monday. Officials said repairs would start soon.\n\n"We will fix it," the mayor said.',
         'The 6" pipe burst on Monday. Officials said repairs would begin soon.\n\n"We will fix it," the mayor said.',
         "minor"),
        # a mark left open with no quotation after it is a stray: it says nothing
        ('The mayor said: "We will not raise taxes. The budget is balanced.\n\nOur reserves are full, she said.',
         'The mayor said: "We will not raise taxes. The budget is well balanced.\n\nOur reserves are full, she '
         'said.', "minor"),
        # a quotation closed before the sentence
        ('"We will not raise taxes." The budget is in good shape.',
         '"We will not raise taxes." The budget is in decent shape.', "minor"),
        # tokenised news (the NYT's) writes each quotation mark as two single ones: read as straight marks
        ("''We will not raise taxes. The budget is in good shape,'' the mayor said.",
         "''We will not raise taxes. The budget is in decent shape,'' the mayor said.", "substantive"),
        ("''We will not raise taxes. The budget is in good shape,'' the mayor told reporters.",
         "''We will not raise taxes. The budget is in good shape,'' the mayor told journalists.", "minor"),
        ("The mayor said: ''We will not raise taxes. The budget is balanced.\n\n''Our reserves are full,'' she said.",
         "The mayor said: ''We will not raise taxes. The budget is well balanced.\n\n''Our reserves are full,'' "
         "she said.", "substantive"),
        ("The mayor said the workers' union ''will not strike.'' The budget is in good shape.",
         "The mayor said the workers' union ''will not strike.'' The budget is in decent shape.", "minor"),
    ],
)
def test_a_quotation_is_followed_across_sentences(a: str, b: str, kind: str) -> None:
    from storytrace import diff as run_diff

    for old, new in ((a, b), (b, a)):
        (link,) = [link for link in run_diff(old, new).links if link.kind != "unchanged"]
        assert link.kind == kind, link.reasons
        assert ("words of a quotation changed" in link.reasons) == (kind == "substantive")


def test_renumbering_a_list_is_minor() -> None:
    from storytrace import diff as run_diff

    before = "Officials listed the closures:\n\n1. The Main Street bridge is closed.\n\n2. Route 9 is down to one lane."
    after = ("Officials listed the closures:\n\n1. The ferry terminal is shut.\n\n2. The Main Street bridge is "
             "closed.\n\n3. Route 9 is down to one lane.")
    found = [(link.kind, link.reasons, link.a, link.b) for link in run_diff(before, after).links]
    assert found == [("unchanged", (), (0,), (0,)), ("added", (), (), (1,)),
                     ("minor", ("list numbering",), (1,), (2,)), ("minor", ("list numbering",), (2,), (3,))]
    (link,) = run_diff("1. The bridge is closed on Friday.", "2. The bridge is closed on Monday.").links
    assert link.kind == "substantive" and "date Friday → Monday" in link.reasons  # another change still counts
    for a, b in (("12. Juni: Die Polizei nahm fünf Personen fest.", "13. Juni: Die Polizei nahm fünf Personen fest."),
                 ("1. The rule applies.", "The rule (2) applies."),  # a day of a month; a number elsewhere
                 ("13) misrepresents the threat.", "15) misrepresents the threat.")):  # the end of "(Jan. 13)"
        (link,) = run_diff(a, b).links
        assert link.kind == "substantive", link.reasons


def test_renumbering_beside_a_moved_sentence_is_still_renumbering() -> None:
    """Only list items trading places make a ranking: a sentence moved elsewhere in the story does not."""
    from storytrace import diff as run_diff

    before = "The final table is below.\n\n1. Manchester City\n\n2. Arsenal\n\nThe season ended on Sunday."
    after = ("The season ended on Sunday.\n\nThe final table is below.\n\n1. Liverpool\n\n2. Manchester City\n\n"
             "3. Arsenal")
    for old, new in ((before, after), (after, before)):
        renumbered = [link.reasons for link in run_diff(old, new).links if link.kind in ("minor", "substantive")]
        assert renumbered == [("list numbering",), ("list numbering",)]


def test_list_items_that_change_places_change_a_fact() -> None:
    """A ranking: two items swap places, each renumbered. Not renumbering, in either direction."""
    from storytrace import diff as run_diff

    before = "The final table:\n\n1. Manchester City, 89 points.\n\n2. Arsenal, 84 points.\n\n3. Liverpool, 82 points."
    after = "The final table:\n\n1. Arsenal, 84 points.\n\n2. Manchester City, 89 points.\n\n3. Liverpool, 82 points."
    for old, new, swapped in ((before, after, [("2", "1"), ("1", "2")]), (after, before, [("2", "1"), ("1", "2")])):
        changed = [(link.kind, link.reasons) for link in run_diff(old, new).links if link.kind != "unchanged"]
        assert changed == [("substantive", (f"place in the list {x} → {y}",)) for x, y in swapped]


def test_opposites_that_trade_places_between_clauses_are_a_changed_fact() -> None:
    """Each word occurs as often in both versions, but each now stands in the other's clause."""
    from storytrace import diff as run_diff

    for a, b in (("Prices rose in March and fell in April.", "Prices fell in March and rose in April."),
                 ("Exports rose while imports fell.", "Exports fell while imports rose.")):
        for old, new in ((a, b), (b, a)):
            (link,) = run_diff(old, new).links
            assert link.kind == "substantive", link.reasons
            assert set(link.reasons) == {"opposite meaning: rose → fell", "opposite meaning: fell → rose"}


def test_opposites_trading_clauses_read_alike_both_ways() -> None:
    """The test of traded clauses is symmetric: diff(B, A) gives the kind diff(A, B) gives."""
    from storytrace import diff as run_diff

    for a, b in (("Gas prices rose; gas fell.", "Gas fell; gas rose."),
                 ("Prices rose in March and fell in April.", "Prices fell in March and rose in April."),
                 ("Sales rose in the north and fell in the south.", "Sales fell in the south and rose in the north.")):
        forth = [link.kind for link in run_diff(a, b).links]
        back = [link.kind for link in run_diff(b, a).links]
        assert forth == back, (a, b)


@pytest.mark.parametrize(
    ("a", "b", "reasons"),
    [
        ("Analysts expect an increase in rates.", "Analysts expect a decrease in rates.",
         ("opposite meaning: increase → decrease",)),
        ("Prices rose in May, fell in June and rose again in July.",
         "Prices fell in May, fell in June and rose again in July.", ("opposite meaning: rose → fell",)),
        ("It is the second-largest bank in the country.", "It is the second-smallest bank in the country.",
         ("opposite meaning: largest → smallest",)),
        ("Shares rose 3 percent on Monday.", "Shares fell 4 percent on Monday.",
         ("number 3 → 4", "opposite meaning: rose → fell")),
        ("The winner's share was paid on Friday.", "The loser's share was paid on Friday.",
         ("opposite meaning: winner → loser",)),
    ],
)
def test_opposites_beside_articles_numbers_and_repeated_words(a: str, b: str, reasons: tuple[str, ...]) -> None:
    from storytrace import diff as run_diff

    (link,) = run_diff(a, b).links
    assert (link.kind, link.reasons) == ("substantive", reasons)


def test_a_direction_inside_a_name_is_no_opposite() -> None:
    from storytrace import diff as run_diff

    (link,) = run_diff("Voters in North Carolina backed the plan.", "Voters in South Carolina backed the plan.").links
    assert link.kind == "substantive" and not any(r.startswith("opposite") for r in link.reasons), link.reasons


def test_the_speaker_of_a_quotation_spanning_sentences_is_still_read() -> None:
    """The sentence that closes a quotation opened before it keeps the classifier's other checks."""
    from storytrace import diff as run_diff

    (link,) = [link for link in run_diff('"We will win. We are ready," police said.',
                                         '"We will win. We are ready," witnesses said.').links
               if link.kind != "unchanged"]
    assert link.kind == "substantive"


MIRRORED_OP = {"equal": "equal", "delete": "insert", "insert": "delete"}


def span(run: Run) -> tuple[str, int, int, int, int]:
    """A run and the text it covers (where a deletion or insertion sits in the other text aside)."""
    if run.op == "equal":
        return (run.op, run.a_start, run.a_end, run.b_start, run.b_end)
    return (run.op, run.a_start, run.a_end, 0, 0) if run.op == "delete" else (run.op, 0, 0, run.b_start, run.b_end)


def mirrored_span(run: Run) -> tuple[str, int, int, int, int]:
    """`span` of the run as the diff of the texts the other way round has it."""
    return span(Run(MIRRORED_OP[run.op], run.text, run.b_start, run.b_end, run.a_start, run.a_end))


@settings(max_examples=600, deadline=None)
@given(classified_pairs(), st.sampled_from([DiffOptions(), DiffOptions(new_claim_words=1)]))
@example(("Oil rose while gas, coal and wheat fell on Monday.", "Oil, gas and coal fell while wheat rose on Monday."),
         DiffOptions())
def test_classifying_backwards_mirrors_the_word_diff_and_the_verdict(
    pair: tuple[str, str], options: DiffOptions
) -> None:
    """A longest common subsequence of words can often be picked more than one way; the word diff of B against A
    must still be the mirror of A's against B (each deletion an insertion), and so the verdict the same."""
    a, b = pair
    forward, backward = classify(a, b, options), classify(b, a, options)
    assert forward.kind == backward.kind
    assert sorted(mirrored_span(r) for r in forward.diff) == sorted(span(r) for r in backward.diff)
    assert sorted(r.text for r in forward.diff if r.op != "equal") == sorted(
        r.text for r in backward.diff if r.op != "equal"
    )


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        # opposites that traded places between clauses, however the word diff pairs the words
        ("Oil rose while gas, coal and wheat fell on Monday.", "Oil, gas and coal fell while wheat rose on Monday.",
         "substantive"),
        ("Prices rose in March and fell in April.", "Prices fell in March and rose in April.", "substantive"),
        # ... not clauses moved with their words, nor the items of a list
        ("Prices rose in the north and fell in the south.", "Prices fell in the south and rose in the north.",
         "minor"),
        ("The first and last trains were cancelled.", "The last and first trains were cancelled.", "minor"),
    ],
)
def test_opposites_trading_clauses_either_way_round(a: str, b: str, kind: str) -> None:
    assert classify(a, b, OPTIONS).kind == classify(b, a, OPTIONS).kind == kind


def test_a_change_before_a_long_run_of_white_space_is_classified() -> None:
    """The word after a replaced one is read from a short window: one of tabs alone (text extracted from indented
    HTML) held no word and raised IndexError, a traceback out of `storytrace diff` (found by a fuzzing review)."""
    assert classify("Boat \t", "known", DiffOptions()).reasons == ("wording Boat → known",)
    a = "Police said the fire was small,\n" + "\t" * 40 + "officials added."
    b = "Police said the fire was large,\n" + "\t" * 40 + "officials added."
    found = storytrace.diff(a, b)
    assert [(link.kind, link.reasons) for link in found.links] == [("minor", ("wording small → large",))]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nearly all the staff left.", "Almost all the staff left."),  # one qualifier for another: wording
        ("The town was almost empty by noon.", "The town was empty almost by noon."),  # only moved
    ],
)
def test_a_degree_word_swapped_or_moved_is_wording(a: str, b: str) -> None:
    assert classify(a, b, DiffOptions()).kind == "minor"
    assert classify(b, a, DiffOptions()).kind == "minor"


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # a space lost where markup was stripped, put back: the joined word is no new name nor claim
        ("The ferry ran aground off Cape Wrathafter midnight.", "The ferry ran aground off Cape Wrath after midnight.",
         "minor", ("spacing: Wrathafter → Wrath after",)),
        ("The harbour master Ana Silvasaid the port was shut.",
         "The harbour master, Ana Silva, said the port was shut.", "minor",
         ("punctuation", "spacing: Silvasaid → Silva, said")),
        ("The fire chief said it was over.", "The firechief said it was over.", "minor",
         ("spacing: fire chief → firechief",)),
        # ... beside wording, which it keeps
        ("Spokesman Ian Roeinsisted the talks failed.", "Spokesperson Ian Roe insisted the talks failed.", "minor",
         ("wording Spokesman → Spokesperson", "spacing: Roeinsisted → Roe insisted")),
        # ... and beside a changed fact, which is still read
        ("The fire chief said 12 homes burned.", "The firechief said 15 homes burned.", "substantive",
         ("number 12 → 15",)),
        # a joined word that the other side does not split there is another word
        ("He worked in Kenyaand won.", "He worked in Ghana and won.", "substantive", None),
        ("The talks in Newport ended.", "The talks in New York ended.", "substantive", None),
    ],
)
def test_words_run_together_are_spacing(a: str, b: str, kind: str, reasons: tuple[str, ...] | None) -> None:
    forward, backward = classify(a, b, OPTIONS), classify(b, a, OPTIONS)
    assert forward.kind == backward.kind == kind
    if reasons is not None:
        assert forward.reasons == reasons
    # the word diff still shows the change as written: the joined word taken out, the spaced words put in
    assert any(r.op == "delete" for r in forward.diff) and any(r.op == "insert" for r in forward.diff)


def test_words_run_together_read_in_a_whole_diff_and_both_ways() -> None:
    a = "Crews fought the blaze overnight.\n\nThe station manager Ruth Okaforsaid nobody was hurt."
    b = "Crews fought the blaze overnight.\n\nThe station manager Ruth Okafor said nobody was hurt."
    found = storytrace.diff(a, b).to_dict()
    assert [(link["kind"], link["reasons"]) for link in found["links"] if link["kind"] != "unchanged"] == [
        ("minor", ["spacing: Okaforsaid → Okafor said"])
    ]
    back = storytrace.diff(b, a).to_dict()
    assert [(link["kind"], link["reasons"]) for link in back["links"] if link["kind"] != "unchanged"] == [
        ("minor", ["spacing: Okafor said → Okaforsaid"])
    ]


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # one verb of saying for another that the attribution list leaves out: nobody's words lost their speaker
        ("The mayor said the pier was safe.", "The mayor noted the pier was safe.", "minor",
         ("wording said → noted",)),
        ("The mayor said the pier was safe.", "The mayor stressed that the pier was safe.", "minor",
         ("wording said → stressed",)),
        # ... beside a changed fact, which is still read
        ("The mayor said 12 piers were safe.", "The mayor noted 15 piers were safe.", "substantive",
         ("number 12 → 15",)),
        # the speaker taken out altogether is still an attribution removed
        ("The mayor said the pier was safe.", "The pier was safe.", "substantive", ("attribution removed",)),
        # and such a word where no verb of saying was is no attribution
        ("The noted author spoke.", "The famous author spoke.", "minor", ("wording noted → famous",)),
    ],
)
def test_a_verb_of_saying_swapped_for_another(a: str, b: str, kind: str, reasons: tuple[str, ...]) -> None:
    assert classify(a, b, OPTIONS).kind == classify(b, a, OPTIONS).kind == kind
    assert classify(a, b, OPTIONS).reasons == reasons


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        ("Said the Okafors coach, Ann Lee.", "Said the Okafor's coach, Ann Lee.", "minor",
         ("apostrophe: Okafors → Okafor's",)),
        ("Nine of its MP's voted against.", "Nine of its MPs voted against.", "minor", ("apostrophe: MP's → MPs",)),
        ("The Okafors home burned.", "The Okafor\u2019s home burned.", "minor",
         ("apostrophe: Okafors → Okafor\u2019s",)),
        # beside a changed fact, the fact decides
        ("Nine of its MP's voted against.", "Ten of its MPs voted against.", "substantive", ("number Nine → Ten",)),
        # a possessive that names someone else is another speaker
        ("Okafor said it was over.", "Okafor's lawyer said it was over.", "substantive",
         ("attribution changed: Okafor → Okafor's lawyer",)),
    ],
)
def test_a_name_that_only_gains_or_loses_an_apostrophe(a: str, b: str, kind: str, reasons: tuple[str, ...]) -> None:
    assert classify(a, b, OPTIONS).kind == classify(b, a, OPTIONS).kind == kind
    assert classify(a, b, OPTIONS).reasons == reasons


def assert_kind_both_ways(a: str, b: str, kind: str, reasons: tuple[str, ...] | None) -> None:
    """A and B classified either way round are of `kind`; A to B gives `reasons` (unless None)."""
    forward, backward = classify(a, b, OPTIONS), classify(b, a, OPTIONS)
    assert forward.kind == backward.kind == kind
    if reasons is not None:
        assert forward.reasons == reasons


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # a speaker's name or title spelled with or without an apostrophe, a hyphen or a space is the same speaker
        ('"He is the one," said Okafors coach, Ann Lee.', '"He is the one," said Okafor\'s coach, Ann Lee.', "minor",
         ("apostrophe: Okafors → Okafor's",)),
        ("Ann Lee, minister and ex smoker, said: \"Pictures work.\"",
         "Ann Lee, minister and ex-smoker, said: \"Pictures work.\"", "minor", ("hyphenation or spacing",)),
        # another speaker still is one
        ('"He is the one," said Okafors coach.', '"He is the one," said Okafor\'s lawyer.', "substantive", None),
    ],
)
def test_a_speaker_spelled_another_way_is_the_same_speaker(
    a: str, b: str, kind: str, reasons: tuple[str, ...] | None
) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        ("The race was run on Mar. 2 in the town.", "The race was run on March 2 in the town.", "minor",
         ("date written differently",)),
        ("It closes on Sept. 30.", "It closes on September 30.", "minor", ("date written differently",)),
        # beside a number written as a word, both are said
        ("It crossed 3 towns on Mar. 2.", "It crossed three towns on March 2.", "minor",
         ("date written differently", "number written differently")),
        # another month, or another day of it, is another date
        ("The race was run on Mar. 2 in the town.", "The race was run on May 2 in the town.", "substantive",
         ("date Mar → May",)),
        ("The race was run on Mar. 2 in the town.", "The race was run on March 3 in the town.", "substantive", None),
    ],
)
def test_a_month_written_short_is_the_same_date(a: str, b: str, kind: str, reasons: tuple[str, ...] | None) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # an acronym's last full stop spaced off or read as the sentence's
        ("The fee is paid by every home in the UK .", "The fee is paid by every home in the U.K .", "minor",
         ("acronym written differently",)),
        # dollars said to be a country's
        ("He signed a $2 rise in the minimum wage.", "He signed a US$2 rise in the minimum wage.", "minor",
         ("currency written with its country",)),
        # one country's dollars for another's are another currency
        ("He signed an A$2 rise in the minimum wage.", "He signed a US$2 rise in the minimum wage.", "substantive",
         None),
    ],
)
def test_acronyms_and_currencies_written_another_way(
    a: str, b: str, kind: str, reasons: tuple[str, ...] | None
) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("The car was parked in front of the house.", "The car was parked behind the house.",
         "opposite meaning: in front → behind"),
        ("Shares were up 3% by noon.", "Shares were down 3% by noon.", "opposite meaning: up → down"),
        ("The council voted in favour of the plan.", "The council voted against the plan.",
         "opposite meaning: in favour → against"),
    ],
)
def test_opposites_of_more_than_one_word(a: str, b: str, reason: str) -> None:
    forward, backward = classify(a, b, OPTIONS), classify(b, a, OPTIONS)
    assert forward.kind == backward.kind == "substantive"
    assert reason in forward.reasons


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # a copy respelled for the other side of the Atlantic says the same
        ("The organisers paid the licence fee and the colour tax at the theatre.",
         "The organizers paid the license fee and the color tax at the theater.", "minor",
         ("spelling: organisers → organizers, licence → license, colour → color, theatre → theater",)),
        ("She travelled 5 kilometres to the centre.", "She traveled 5 kilometers to the center.", "minor",
         ("spelling: travelled → traveled, kilometres → kilometers, centre → center",)),
        # ... and a fact changed beside the respelled words is still read
        ("The organisers paid the licence fee and the colour tax at the theatre.",
         "The organizers paid the license fee and the color tax at the Odeon.", "substantive", None),
        ("She travelled 5 kilometres to the centre.", "She traveled 6 kilometers to the center.", "substantive",
         ("number 5 → 6",)),
        # words that only look alike are other words
        ("The shop filled the order.", "The shop filed the order.", "minor", ("wording filled → filed",)),
        ("He took the tour at noon.", "He took the tor at noon.", "minor", ("wording tour → tor",)),
    ],
)
def test_british_and_american_spellings_are_the_same_words(
    a: str, b: str, kind: str, reasons: tuple[str, ...] | None
) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        # a typo put right inside a quotation leaves the speaker's words as they were
        ('Cable said "an enourmous can of worms had been opened" by the rules.',
         'Cable said "an enormous can of worms had been opened" by the rules.', "minor",
         ("spelling: enourmous → enormous",)),
        ('She said "we will recieve the aid".', 'She said "we will receive the aid".', "minor",
         ("spelling: recieve → receive",)),
        ('"[The bills failure to pass] calls our role into question," he said.',
         '"[The bill\'s failure to pass] calls our role into question," he said.', "minor",
         ("spelling: bills → bill's",)),
        # another word in a quotation is still one, however alike the two look
        ('She said "we will rebuild the pier".', 'She said "we will repair the pier".', "substantive",
         ("words of a quotation changed",)),
        ('She said "we will adapt the plan".', 'She said "we will adopt the plan".', "substantive",
         ("words of a quotation changed",)),
        ('She said "it came later".', 'She said "it came latter".', "substantive", ("words of a quotation changed",)),
        # two countries a letter or two apart are two countries
        ("The team flew to Slovenia on Monday.", "The team flew to Slovakia on Monday.", "substantive", None),
        ("The team flew to Austria on Monday.", "The team flew to Australia on Monday.", "substantive", None),
    ],
)
def test_a_slip_of_the_pen_put_right_is_spelling(a: str, b: str, kind: str, reasons: tuple[str, ...] | None) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind", "reasons"),
    [
        ("His lawyer argued in the eighth district of PA on Monday.",
         "His lawyer argued in the eighth district of Pennsylvania on Monday.", "minor", ("state written short",)),
        ("Braxton Bilbrey, 7, of Glendale, Calif., swam from Alcatraz.",
         "Braxton Bilbrey, 7, of Glendale, California, swam from Alcatraz.", "minor", ("state written short",)),
        ("The boy from Albany, N.Y., swam from Alcatraz.", "The boy from Albany, New York, swam from Alcatraz.",
         "minor", ("state written short",)),
        # another state is another place
        ("The boy from Albany, N.Y., swam from Alcatraz.", "The boy from Albany, Georgia, swam from Alcatraz.",
         "substantive", None),
        ("The boy from Portland, Ore., swam.", "The boy from Portland, Maine, swam.", "substantive", None),
    ],
)
def test_a_state_written_short_is_the_same_state(a: str, b: str, kind: str, reasons: tuple[str, ...] | None) -> None:
    assert_kind_both_ways(a, b, kind, reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("The letter was signed on February 2nd but released on Tuesday.",
         "The letter was signed on February 2 but released on Tuesday.", "minor"),
        ("It was signed on 21st March.", "It was signed on 21 March.", "minor"),
        # another day, or an ordinal that is no day of a month, is another number
        ("The letter was signed on February 2nd.", "The letter was signed on February 3.", "substantive"),
        ("The second driver came only 6 in his final attempt.", "The second driver came only 6th in his final attempt.",
         "substantive"),
    ],
)
def test_a_day_of_a_month_with_or_without_its_ordinal(a: str, b: str, kind: str) -> None:
    forward, backward = classify(a, b, OPTIONS), classify(b, a, OPTIONS)
    assert forward.kind == backward.kind == kind
    if kind == "minor":
        assert forward.reasons == ("number written differently",)


def test_a_quotation_opened_by_a_mark_set_apart_at_the_end_of_the_sentence_before() -> None:
    """Tokenised news (the NYT's) sets a quotation's opening mark apart at the end of the sentence before ("... the
    main court. '' It was a lot for me,'' said Ortiz"), and an excerpt may end inside a quotation, so the
    paragraph's marks do not pair up: the words after the closing mark are still no quotation's."""
    a = ("Ortiz was told the match would move to the main court. '' It was a lot for me,'' said Ortiz, who entered "
         "the event ranked 90th. '' I will get used to it.")
    outside = storytrace.diff(a, a.replace("entered the event", "entered an event")).to_dict()
    assert [(link["kind"], link["reasons"]) for link in outside["links"] if link["kind"] != "unchanged"] == [
        ("minor", ["wording the → an"])
    ]
    inside = storytrace.diff(a, a.replace("a lot for me", "too much for me")).to_dict()
    assert [(link["kind"], link["reasons"]) for link in inside["links"] if link["kind"] != "unchanged"] == [
        ("substantive", ["words of a quotation changed"])
    ]
