"""DOMAIN.md §7 rules 1-8, 10 (service tests), 11 and 13 against the pure rule functions."""
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propmgmt.governance import rules
from propmgmt.governance.rules import Weight

M2 = 100  # area_x100 per square metre


def _counts(agree, other):
    """{agree: Weight, disagree: Weight} from (owners, m²) pairs."""
    return {rules.AGREE: Weight(agree[0], agree[1] * M2),
            rules.DISAGREE: Weight(other[0], other[1] * M2)}


@pytest.mark.parametrize("owners, area, passed", [
    (66, 7000, False),   # rule 1: 66 < 200/3 heads
    (67, 6666, False),   # rule 1: 6,666 < 20,000/3 m²
    (67, 6667, True),    # rule 1
    (100, 10000, True),
    (0, 0, False),
])
def test_rule_1_participation_two_thirds_of_both(owners, area, passed):
    counts = {rules.AGREE: Weight(owners, area * M2)}
    result = rules.decide(rules.ORDINARY, Weight(100, 10000 * M2), counts)
    assert result["participation_passed"] is passed
    if not passed:
        assert result["rule"] == rules.RULE_PARTICIPATION and result["passed"] is False


@pytest.mark.parametrize("owners, total_owners, passed", [
    (60, 90, True),      # rule 2: exactly 2/3 is "以上"
    (59, 90, False),
    (2, 3, True),
])
def test_rule_2_exactly_two_thirds_passes(owners, total_owners, passed):
    counts = {rules.AGREE: Weight(owners, 2 * M2)}
    result = rules.decide(rules.ORDINARY, Weight(total_owners, 3 * M2), counts)
    assert result["participation_passed"] is passed


@pytest.mark.parametrize("agree, passed", [
    ((30, 3000), False),  # rule 3: exactly half is not 过半数
    ((31, 3001), True),
    ((31, 3000), False),  # both measures needed
    ((30, 3001), False),
])
def test_rule_3_ordinary_needs_more_than_half(agree, passed):
    counts = _counts(agree, (60 - agree[0], 6000 - agree[1]))
    result = rules.decide(rules.ORDINARY, Weight(60, 6000 * M2), counts)
    assert result["participation_passed"]
    assert result["passed"] is passed
    assert result["rule"] == rules.RULE_ORDINARY
    assert result["approval_threshold"] == {"num": 1, "den": 2, "inclusive": False}


@pytest.mark.parametrize("agree, passed", [
    ((60, 6000), True),   # rule 4: exactly 3/4 passes
    ((59, 7900), False),  # 59 owners fail even with 7,900 m²
    ((80, 5999), False),
])
def test_rule_4_major_needs_three_quarters(agree, passed):
    counts = _counts(agree, (80 - agree[0], 8000 - agree[1]))
    result = rules.decide(rules.MAJOR, Weight(80, 8000 * M2), counts)
    assert result["passed"] is passed
    assert result["rule"] == rules.RULE_MAJOR


@pytest.mark.parametrize("item, matter", [
    ("use_fund", rules.ORDINARY),       # item 5
    ("raise_fund", rules.MAJOR),        # item 6
    ("rebuild", rules.MAJOR),           # item 7
    ("common_use", rules.MAJOR),        # item 8
    ("hire_manager", rules.ORDINARY),   # item 4 (and hence a mode change)
    ("committee_election", rules.ORDINARY),
    (None, rules.ORDINARY),
])
def test_rule_5_items_6_to_8_are_major(item, matter):
    assert rules.matter_of(item) == matter


@pytest.mark.parametrize("pairs, areas, expected", [
    ([(1, 10), (1, 11), (1, 12)], [6000, 7000, 8000], Weight(1, 21000)),  # rule 6
    ([(9, d) for d in range(12)], [7500] * 12, Weight(1, 90000)),          # rule 7: developer
    ([(1, 10), (2, 10)], [8850], Weight(1, 8850)),                         # co-owners: one
    ([(1, 10), (1, 11), (2, 11), (3, 12)], [1, 2, 3], Weight(2, 6)),     # linked by a shared flat
])
def test_rules_6_7_one_head_per_owner_area_summed(pairs, areas, expected):
    assert rules.totals(pairs, areas) == expected


def test_rule_6_one_ballot_covering_three_dwellings_is_one_head():
    assert rules.tally([(rules.AGREE, [6000, 7000, 8000])]) == {rules.AGREE: Weight(1, 21000)}


def test_rule_11_abstention_participates_without_agreeing():
    total = Weight(3, 300)
    with_blank = rules.decide(rules.ORDINARY, total, rules.tally(
        [(rules.AGREE, [100]), (rules.AGREE, [100]), (rules.ABSTAIN, [100])]))
    assert with_blank["participating"] == Weight(3, 300)
    assert with_blank["agree"] == Weight(2, 200)
    assert with_blank["passed"]
    only_two = rules.decide(rules.ORDINARY, total, rules.tally(
        [(rules.AGREE, [100]), (rules.ABSTAIN, [100]), (rules.ABSTAIN, [100])]))
    assert not only_two["passed"] and only_two["participation_passed"]


OPTIONS = st.sampled_from(rules.DEFAULT_OPTIONS)
BALLOTS = st.lists(st.tuples(OPTIONS, st.lists(st.integers(1, 10**6), min_size=1, max_size=4)),
                   max_size=40)


@given(BALLOTS, st.randoms(use_true_random=False), st.sampled_from([rules.ORDINARY, rules.MAJOR]))
def test_rule_13_order_never_changes_the_tally_and_never_exceeds_totals(ballots, rnd, matter):
    total = rules.totals([(i, i) for i in range(len(ballots))],
                         [a for _option, areas in ballots for a in areas])
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    first = rules.decide(matter, total, rules.tally(ballots))
    second = rules.decide(matter, total, rules.tally(shuffled))
    assert first == second
    assert first["participating"].owners <= total.owners
    assert first["participating"].area_x100 <= total.area_x100
    assert first["agree"].owners <= first["participating"].owners


def test_rule_13_example_permutation():
    ballots = [(rules.AGREE, [100]), (rules.DISAGREE, [250]), (rules.ABSTAIN, [50, 50])]
    expected = rules.tally(ballots)
    for seed in range(10):
        assert rules.tally(random.Random(seed).sample(ballots, 3)) == expected
