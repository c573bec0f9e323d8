"""The tagger: regions, groups, threats and actors in report text, with passage-level evidence."""
