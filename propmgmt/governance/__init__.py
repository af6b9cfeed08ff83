"""Owners' joint decisions (业主共同决定, Civil Code 277-287): votes, ballots, results."""
