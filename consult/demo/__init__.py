"""The think-tank part of the demo world (`python manage.py seed_demo`, after the problems and
the review workflow): research topics in every state, grown out of demo problems, with teams
(outside experts under 对口援疆 among them), budgets, milestones, documents and progress
notes; advisory reports loaded from consult/demo/reports/<slug>.md (one per topic theme),
revised, reviewed and issued with gap-free issue numbers, one of them corrected (更正); three
short reports of our own (a draft, one in internal review, one issued and withdrawn); the
officials' downloads, leaders' instructions (批示) at three levels and adoptions (采纳).

Everything goes through consult.services, then the dates are moved back onto a timeline in
the current year (see seed.ConsultSeeder); data.py holds the content."""
