"""The national reference data: Vietnam's administrative units of both eras (before and from 1 July 2025)
and the bodies of the political system at each unit, generated from the ``vietnamadminunits`` package
as one reference source (``…/id/source/ref-vietnamadminunits``) that ``danvan build`` loads with the
curated sources. ``DANVAN_NATIONAL`` narrows it to some provinces or turns it off (:mod:`.source`)."""
