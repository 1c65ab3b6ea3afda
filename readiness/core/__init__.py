"""The pure core: the data model, scoring, the verdict, waivers, observations, evidence and
formatting. No I/O and no pytest: everything here is tested on literals."""
