"""The rules of iJw/iWmo 3.2 the allocation service applies, one named function per rule.

- `inhoud.py`: conditions and constraints inside one message (CD/CS and the XSLT-level TRs): a failure
  rejects the whole message with 0001 (IV028), shared by the inbound messages and by the gemeente API
  (which refuses input that would make an invalid 301 with 400 naming the rule).
- `regie.py`: 305 start / 307 stop against earlier start/stop messages and toewijzingen.
- `verzoek.py`: 315 verzoek om toewijzing / 317 verzoek om wijziging against earlier verzoeken and
  current toewijzingen.
- `extern.py`: rules against an external source (TR378, the CBS gemeentecodes shipped as project data).

`berichten rules` lists them all.
"""
from . import extern, inhoud, regie, verzoek  # noqa: F401  (registers the rules)
