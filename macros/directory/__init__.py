"""The national directory (`infohus directory`): one row per municipality, an HSDS 3.0 export and the rows as JSON.

It may import the model and the shared helpers, and from the citizen page only its public gate (`citizen.view`):
every contact the directory shows has passed the same gate as the citizen page.
"""
