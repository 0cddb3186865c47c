"""Load a demo data set in Xinjiang: accounts for every role, enterprises, campaigns, 60
bottleneck problems driven through the real workflow, a talent pool of 342 experts and 18
learned societies at every level.

    python manage.py seed_demo

Idempotent: every row is looked up by its natural key (username, credit code, campaign title,
problem ref, expert ref, society ref or name) and only created when missing, so a second run
changes nothing. All variable values come from random.Random(2026) in a fixed order (the pool
and the societies from generators of their own), so every run plans the same data. Timestamps
are backdated after the workflow has run, so timelines look real.

Modules: data.py (the hand-written world), talent.py (the talent pool's vocabulary and person
generator, plain Python shared with bench/pool.py), seed.py (the Seeder), experts.py (the pool
and the societies, created in bulk), common.py (random values every part draws alike).
"""
