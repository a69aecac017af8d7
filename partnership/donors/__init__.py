"""What donors get after giving: campaign updates, and their privacy (erasure, retention)."""
