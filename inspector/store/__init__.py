"""The SQLite index: schema, writer, queries (see :mod:`inspector.store.schema`)."""

from inspector.store.binding import install as _install_adapters

_install_adapters()  # before any connection of this process binds a parameter
