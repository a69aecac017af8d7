"""Committee review: members, conflicts, assignment, score sheets, ranking and decisions."""
