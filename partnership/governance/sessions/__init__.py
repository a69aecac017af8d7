"""Assemblies (สมัชชา) pages, and public sessions of meetings that anyone registers for (seed
000): ``models.py`` the records, ``services.py`` the rules of places and the waiting list,
``forms.py``, ``views.py`` the public pages, ``views_staff.py`` staff's."""
