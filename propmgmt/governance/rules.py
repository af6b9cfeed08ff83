"""The law's arithmetic for owners' decisions (Civil Code 278 ¶2, art. 1259), as pure functions.

Everything is integers: area in hundredths of a square metre, heads as counts, and every
threshold compared by cross-multiplying (3*part >= 2*total), never with floats.
"""
import dataclasses

from flask_babel import lazy_gettext as _l

ORDINARY = "ordinary"
MAJOR = "major"
AGREE = "agree"
DISAGREE = "disagree"
ABSTAIN = "abstain"
DEFAULT_OPTIONS = (AGREE, DISAGREE, ABSTAIN)

OPTION_LABELS = {AGREE: _l("Agree"), DISAGREE: _l("Disagree"), ABSTAIN: _l("Abstain")}
MATTER_LABELS = {ORDINARY: _l("Ordinary matter"), MAJOR: _l("Major matter")}

# Civil Code art. 278 ¶1 items; 6-8 are major (3/4 of participants), all others ordinary.
ITEMS = {
    "rules_of_procedure": (1, _l("Make or amend the assembly's rules of procedure")),
    "management_statute": (2, _l("Make or amend the management statute")),
    "committee_election": (3, _l("Elect or replace the owners' committee")),
    "hire_manager": (4, _l("Hire or dismiss the property company or other manager")),
    "use_fund": (5, _l("Use the building maintenance fund")),
    "raise_fund": (6, _l("Raise the building maintenance fund")),
    "rebuild": (7, _l("Rebuild or reconstruct buildings and facilities")),
    "common_use": (8, _l("Change the use of common parts or use them for business")),
    "other": (9, _l("Other major matters of common ownership and management")),
}
MAJOR_ITEMS = frozenset({"raise_fund", "rebuild", "common_use"})

RULE_PARTICIPATION = "civil_code_278_participation"
RULE_ORDINARY = "civil_code_278_ordinary"
RULE_MAJOR = "civil_code_278_major"


def matter_of(item):
    """Items 6-8 of art. 278 are major; every other item (or none) is ordinary."""
    return MAJOR if item in MAJOR_ITEMS else ORDINARY


@dataclasses.dataclass(frozen=True)
class Weight:
    """Owners (heads) and exclusive area (hundredths of m²)."""

    owners: int = 0
    area_x100: int = 0

    def __add__(self, other):
        return Weight(self.owners + other.owners, self.area_x100 + other.area_x100)


def totals(owner_dwellings, dwelling_areas):
    """Totals of a community: the owner headcount and the sum of every dwelling's exclusive area.

    Headcount follows the judicial interpretation (DOMAIN 1.2): one dwelling is one person, and
    one owner with several dwellings is one person (rules 6-7), so co-owners of a dwelling count
    once. Owners linked through shared dwellings form one head: the connected groups of the
    owner-dwelling graph. `owner_dwellings`: (person_id, dwelling_id) pairs of owner ties.
    """
    parent = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for person, dwelling in owner_dwellings:
        parent[find(("p", person))] = find(("d", dwelling))
    heads = {find(("p", person)) for person, _dwelling in owner_dwellings}
    return Weight(len(heads), sum(dwelling_areas))


def tally(ballots):
    """{option: Weight} from admitted ballots, each (option, [area_x100 of dwellings covered]).

    A ballot is one head and the sum of its dwellings' areas; order never matters.
    """
    result = {}
    for option, areas in ballots:
        result[option] = result.get(option, Weight()) + Weight(1, sum(areas))
    return result


def _at_least(part, total, num, den):
    """part/total >= num/den ("以上" includes the threshold)."""
    return part * den >= total * num


def _more_than(part, total, num, den):
    """part/total > num/den ("过半数" excludes exactly half)."""
    return part * den > total * num


def decide(matter, total, counts, agree_option=AGREE):
    """Apply art. 278 ¶2 to a tally and return the whole computation, not just a verdict.

    Participation needs >= 2/3 of all area AND of all owners. Then ordinary matters need more
    than 1/2, major matters at least 3/4, of participating area AND owners agreeing to
    `agree_option`. Abstentions and blank ballots participate without agreeing.
    """
    participating = sum(counts.values(), Weight())
    agree = counts.get(agree_option, Weight())
    participation_ok = (_at_least(participating.area_x100, total.area_x100, 2, 3)
                        and _at_least(participating.owners, total.owners, 2, 3)
                        and total.owners > 0)
    if matter == MAJOR:
        approval_ok = (_at_least(agree.area_x100, participating.area_x100, 3, 4)
                       and _at_least(agree.owners, participating.owners, 3, 4))
        threshold = {"num": 3, "den": 4, "inclusive": True}
    else:
        approval_ok = (_more_than(agree.area_x100, participating.area_x100, 1, 2)
                       and _more_than(agree.owners, participating.owners, 1, 2))
        threshold = {"num": 1, "den": 2, "inclusive": False}
    approval_ok = approval_ok and participating.owners > 0
    return {
        "matter": matter,
        "totals": total,
        "participating": participating,
        "agree": agree,
        "tally": counts,
        "participation_threshold": {"num": 2, "den": 3, "inclusive": True},
        "participation_passed": participation_ok,
        "approval_threshold": threshold,
        "approval_passed": approval_ok,
        "passed": participation_ok and approval_ok,
        "rule": (RULE_PARTICIPATION if not participation_ok
                 else RULE_MAJOR if matter == MAJOR else RULE_ORDINARY),
    }
