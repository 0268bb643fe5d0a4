"""FeatMap-Flow generative-edit worker (spec §2.7, issue #3 item 3b): the `edit` activity in Python."""
