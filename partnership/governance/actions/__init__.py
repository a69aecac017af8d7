"""Action items (งานที่ได้รับมอบหมาย) from resolutions: the owner (a member, a person or an
organisation), the due day, the state with its history, the owner's and the staff's lists, and
the reminders sent once (docs/governance-actions.md)."""
