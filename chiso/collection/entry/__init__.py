"""Entering a report's figures on the web: the grid, its checks, saving with conflict detection, audit.

A figure travels: grid cell text → ``cells.parse_cell`` → ``saving.save_changes`` (revisions compared
under a row lock) → ``values.actions.do_set_values``. The API's ``POST /values`` takes the same path.
"""
