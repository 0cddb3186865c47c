"""Load a demo data set set in Xinjiang: accounts for every role, enterprises, campaigns, 60
bottleneck problems driven through the real workflow, experts and learned societies.

    python manage.py seed_demo

Idempotent: every row is looked up by its natural key (username, credit code, campaign title,
problem ref, expert ref, society name) and only created when missing, so a second run changes
nothing. All variable values come from random.Random(2026) in a fixed order, so every run plans
the same data. Timestamps are backdated after the workflow has run, so timelines look real.
"""
