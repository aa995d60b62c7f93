"""The register's signals, for the areas that watch it to listen to without the register knowing them."""
from flask.signals import Namespace

_signals = Namespace()

institutions_placed = _signals.signal("institutions-placed")
institutions_placed.__doc__ = """Sent when institutions were written in bulk past the ORM session (an import): created,
or their coordinates changed. A record saved through the session needs no signal (the session's own flush hooks see it).

Sent with the app as sender and `connection=` the connection of the transaction that wrote them, `ids=`, `longitudes=`,
`latitudes=` three lists of the same length: a receiver writes in the same transaction, so the rows and what they cause
are saved together or not at all. Sent once per batch of up to a few thousand rows: a receiver works on the batch as a
whole. Connect with `institutions_placed.connect(receiver)`; the receiver takes `(sender, connection, ids, longitudes,
latitudes)`.
"""
