"""The steps of the grounded answer, one job each. Every step is ``step(state, tools)`` and yields
the events the user sees; the lists of steps each kind of answer runs are in
``app.answer.pipeline``."""
