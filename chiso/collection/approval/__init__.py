"""The approval channel: a unit × period matrix of report states, bulk approve and return, the review page.

It only reads and formats; the rule of what may be approved is ``collection.review``'s.
"""
