"""Four-in-one joint meetings (联席会议) and their action items (问题台账)."""
