"""The site's front pages: the public home page and the staff home page (reads every feature)."""
