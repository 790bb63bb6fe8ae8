"""Public pages. Views parse the request, call the query modules and render; nothing else.

overview: the city at a glance · tree: the unit tree of a version · units: one unit's page ·
indicators: one indicator's page and downloads · search · versions: the hierarchy-version switch.
"""

from chiso.portal.views.indicators import indicator_download, indicator_list, indicator_page
from chiso.portal.views.overview import overview
from chiso.portal.views.search import search
from chiso.portal.views.tree import tree_children, unit_tree
from chiso.portal.views.units import unit_page
from chiso.portal.views.versions import switch_version

__all__ = ["indicator_download", "indicator_list", "indicator_page", "overview", "search",
           "switch_version", "tree_children", "unit_page", "unit_tree"]
