"""The follow-up issue list: every problem raised in any drill or review, with its updates.

Problems are raised inside drill and review journals; changes to them afterwards (status,
owner, due date, closure evidence) are events in one shared follow-ups journal. The list
is always rebuilt from both (collect.py), so every change keeps who made it and when;
items.py is the item and the section-4 main issues, update.py the changes.
"""
