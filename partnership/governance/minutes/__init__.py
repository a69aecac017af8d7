"""Minutes of meetings (รายงานการประชุม): drafted by the body's secretary, circulated to the
members, approved at a later meeting of the same body (its resolution), then locked; published
on the site when the meeting was public; printable and as a Thai or English PDF."""
