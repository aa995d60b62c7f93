"""Realistic, reproducible sample institutions for demos, tests and benchmarks.

A pure package (stdlib, shapely, python-stdnum only): it knows nothing of the app's models.
`generate_institutions` yields one dict of strings per institution, ready for `csv.DictWriter`
with `FIELDS` as the header. The same seed always gives the same rows.

Two status mixes:

- "register": a register at scale (any n): mostly licensed, some applied, suspended and
  deregistered, few revoked and rejected; no academic institution carries an enterprise code.
- "demo": a few hundred rows that show every case the app handles: academic institutions closed by
  the 2021 reduction except 3, at least 3 rows of every other status, and exactly 2 academic
  institutions with an enterprise (`91`) credit code, a violation the app flags. The guarantees
  need n of about 100 or more.

One module per part of a row: `districts` (where), `plans` (category, status, kind of code), `codes_and_permits`,
`names`, `contact_and_premises`, drawn from `words`, put together by `generator`.
"""
from registry.register.samples.codes_and_permits import organisation_check_char  # noqa: F401
from registry.register.samples.districts import District, load_districts  # noqa: F401
from registry.register.samples.generator import FIELDS, STATUS_MIXES, generate_institutions  # noqa: F401
from registry.register.samples.plans import CATEGORIES, STATUSES  # noqa: F401
