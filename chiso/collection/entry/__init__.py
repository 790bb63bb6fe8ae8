"""Entering a report's figures on the web: the grid, its checks, saving with conflict detection, audit.

A figure travels: grid cell text → ``cells.parse_cell`` (reading only) → ``values.actions.do_set_values``
(every rule, revisions compared under a row lock). The API's ``POST /values`` takes the same path.
"""
