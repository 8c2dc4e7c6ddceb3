"""One router module per area: health, ask, draft, reports, ratings."""
